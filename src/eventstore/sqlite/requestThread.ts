import { Worker } from 'node:worker_threads';
import { sqliteDriverPath } from './driver.js';

/**
 * The end of a thread's source that answers requests: `handle(request)` (which the source
 * defines) for each, and on `close` the connection `db` closed and the thread ended.
 */
export const ANSWER_REQUESTS = `
parentPort.on('message', ({ id, close, request }) => {
  if (close) {
    db.close();
    parentPort.postMessage({ id });
    parentPort.close();
    return;
  }
  try {
    parentPort.postMessage({ id, result: handle(request) });
  } catch (error) {
    parentPort.postMessage({ id, failure: String(error) });
  }
});
`;

/**
 * A thread with a SQLite connection of its own, running plain JavaScript from source (a file of
 * its own would need a loader for TypeScript under tsx and vitest), asked by messages it answers
 * in order. Its source gets `workerData.driver`, the path of the SQLite driver (driver.ts), and
 * ends with ANSWER_REQUESTS. A request in flight keeps the process alive; an idle thread does not.
 */
export class RequestThread<Result> {
  private readonly worker: Worker;
  private readonly pending = new Map<number, { resolve: (result: Result) => void; reject: (error: Error) => void }>();
  private nextId = 0;
  private stopped: Error | null = null;

  constructor(what: string, source: string, workerData: Record<string, unknown>) {
    // execArgv: none of the parent's loaders or flags; the source is plain CommonJS.
    this.worker = new Worker(source, { eval: true, execArgv: [], workerData: { ...workerData, driver: sqliteDriverPath } });
    this.worker.unref();
    this.worker.on('message', ({ id, result, failure }: { id: number; result: Result; failure?: string }) => {
      const waiting = this.pending.get(id);
      this.pending.delete(id);
      if (this.pending.size === 0) this.worker.unref();
      if (failure === undefined) waiting?.resolve(result);
      else waiting?.reject(new Error(failure));
    });
    const stop = (reason: string) => {
      this.stopped ??= new Error(`${what} thread stopped: ${reason}`);
      for (const waiting of this.pending.values()) waiting.reject(this.stopped);
      this.pending.clear();
    };
    this.worker.on('error', (error) => stop(String(error)));
    this.worker.on('exit', (code) => stop(`exit code ${code}`));
  }

  /** Sends `request`; `transfer` hands buffers over rather than copying them. */
  request(request: unknown, transfer: ArrayBuffer[] = []): Promise<Result> {
    return this.send({ request }, transfer);
  }

  /** After the requests already sent: closes the thread's connection and ends it. */
  async close(): Promise<void> {
    if (this.stopped) return;
    await this.send({ close: true }, []);
  }

  private send(message: Record<string, unknown>, transfer: ArrayBuffer[]): Promise<Result> {
    if (this.stopped) return Promise.reject(this.stopped);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      if (this.pending.size === 0) this.worker.ref();
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, ...message }, transfer);
    });
  }
}
