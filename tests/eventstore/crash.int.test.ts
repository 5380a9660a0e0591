import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Database } from '../../src/eventstore/sqlite/driver.js';
import { describe, expect, it } from 'vitest';
import { openSqliteStore } from '../../src/eventstore/sqlite/store.js';
import { aStream, someEvents } from '../support/events.js';
import { aTempDir } from '../support/tempDir.js';

const writerScript = fileURLToPath(new URL('./crashWriter.ts', import.meta.url));
const KILLS = 20;

type Report = { begun: Map<string, string[]>; acked: Set<string> };

/** Runs the writer until it has acknowledged `ackTarget` batches (or ran its course), then SIGKILLs it. */
function runAndKill(file: string, ackTarget: number, extraDelayMs: number): Promise<Report> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', writerScript, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const report: Report = { begun: new Map(), acked: new Set() };
    let buffered = '';
    let stderr = '';
    let killScheduled = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        const [kind, batch, ids] = line.split(' ');
        if (kind === 'begin' && batch && ids) report.begun.set(batch, ids.split(','));
        if (kind === 'ack' && batch) report.acked.add(batch);
      }
      if (!killScheduled && report.acked.size >= ackTarget) {
        killScheduled = true;
        setTimeout(() => child.kill('SIGKILL'), extraDelayMs);
      }
    });
    child.on('exit', (_code, signal) => {
      if (signal === 'SIGKILL') resolve(report);
      else reject(new Error(`writer exited by itself (${String(_code)}): ${stderr}`));
    });
  });
}

describe('sqlite store under SIGKILL', () => {
  it(`loses no acknowledged append and keeps no partial batch, over ${KILLS} kills`, async () => {
    const file = join(aTempDir(), 'crash.db');
    let acknowledged = 0;
    let inFlightAtKill = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      // given a writer that has had its appends acknowledged, when it is killed at a random instant
      const report = await runAndKill(file, 1 + Math.floor(Math.random() * 150), Math.floor(Math.random() * 30));
      acknowledged += report.acked.size;
      inFlightAtKill += report.begun.size - report.acked.size;

      // then the file is sound, every acknowledged batch is whole, and every batch is all-or-nothing
      const db = new Database(file);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      const present = db.prepare<[string], number>('SELECT count(*) FROM events WHERE event_id IN (SELECT value FROM json_each(?))').pluck();
      for (const [batch, ids] of report.begun) {
        const stored = present.get(JSON.stringify(ids));
        if (report.acked.has(batch)) expect(stored, `acknowledged batch ${batch}`).toBe(ids.length);
        else expect([0, ids.length], `unacknowledged batch ${batch}`).toContain(stored);
      }
      db.close();
    }
    // and the store still opens and takes appends
    const store = openSqliteStore({ file });
    await expect(store.appendToStream(aStream(), someEvents(2), { expectedVersion: 'noStream' })).resolves.toBeDefined();
    await store.close();
    expect(acknowledged).toBeGreaterThan(KILLS);
    // the kills did land while appends were under way, not between them
    expect(inFlightAtKill).toBeGreaterThan(0);
  }, 180_000);
});
