import { resolve } from 'node:path';
import { Worker } from 'node:worker_threads';
import { sqliteDriverPath } from './driver.js';

/**
 * Pages the WAL may reach before the writing connection checkpoints by itself. Under steady
 * writes SQLite restarts the WAL only after a checkpoint that caught up with the last commit, so
 * the writer's own checkpoint still comes, with little left to copy. Measured (the store and API
 * benches): at 1,000 pages (SQLite's default) the writer checkpointed on the event loop often;
 * at 20,000 a single writer fell to 0.73× of raw SQLite, likely as each fsync also paid for the
 * growing WAL file.
 */
export const WRITER_AUTOCHECKPOINT_PAGES = 4_000;

// The worker runs as plain JavaScript from source: a file of its own would need a loader for
// TypeScript under tsx and vitest. It only opens a second connection and checkpoints on a timer.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('busy_timeout = 5000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const timer = setInterval(() => {
  try { checkpoint.run(); } catch (error) { parentPort.postMessage(String(error)); }
}, workerData.intervalMs);
parentPort.on('message', () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

/**
 * WAL checkpoints on a thread of their own. A checkpoint copies the WAL's pages into the database
 * file and syncs both: made by the writing connection alone (SQLite's autocheckpoint, every 1,000
 * pages), it stalled the event loop about 20 ms several times a second under load, some 15 % of
 * the time of a command load. A second connection on a worker thread checkpoints every
 * `intervalMs`, PASSIVE so that it never blocks the writer. The writer keeps an autocheckpoint,
 * so the WAL stays bounded even if the thread fails, and it still checkpoints by itself when the
 * WAL reaches that size (under steady writes a PASSIVE checkpoint cannot restart the WAL) and
 * when it closes.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly exited: Promise<void>;
  private closing = false;

  /** `onFailure` hears of a checkpoint that failed, or of the thread stopping before `close()`. */
  constructor(file: string, onFailure: (problem: string) => void, intervalMs = 100) {
    if (!(intervalMs >= 1)) throw new RangeError(`checkpointIntervalMs must be at least 1, got ${intervalMs}`);
    // execArgv: none of the parent's loaders or flags; the source is plain CommonJS.
    this.worker = new Worker(WORKER_SOURCE, { eval: true, execArgv: [], workerData: { driver: sqliteDriverPath, file: resolve(file), intervalMs } });
    this.worker.unref();
    this.worker.on('message', (problem: string) => onFailure(`checkpoint failed: ${problem}`));
    this.worker.on('error', (error) => onFailure(`checkpoint thread failed: ${String(error)}`));
    this.exited = new Promise((settle) =>
      this.worker.once('exit', (code) => {
        if (!this.closing) onFailure(`checkpoint thread stopped (exit code ${code})`);
        settle();
      }),
    );
  }

  async close(): Promise<void> {
    this.closing = true;
    // Unreferenced, the thread would not keep the process alive until it has closed its connection.
    this.worker.ref();
    this.worker.postMessage('close');
    await this.exited;
  }
}
