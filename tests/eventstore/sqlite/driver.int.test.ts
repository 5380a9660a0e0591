import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sqliteDriverPath } from '../../../src/eventstore/sqlite/driver.js';
import { aTempDir } from '../../support/tempDir.js';

const script = fileURLToPath(new URL('./discardStatements.ts', import.meta.url));
const nodeMajor = Number(process.versions.node.split('.')[0]);

type Run = { code: number | string | null; signal: string | null; stdout: string; stderr: string };
const runChild = (file: string): Promise<Run> =>
  new Promise((resolve) =>
    execFile(process.execPath, ['--import', 'tsx', script, file], { timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ code: error?.code ?? 0, signal: error?.signal ?? null, stdout, stderr }),
    ),
  );

describe(`the SQLite driver on Node ${process.versions.node}`, () => {
  it(nodeMajor >= 22 ? 'is better-sqlite3 13, which Node 24.19+ does not abort on' : 'is better-sqlite3 12, as 13 does not run on Node 20', () => {
    // given this Node.js, then the driver chosen is the one it can run
    expect(sqliteDriverPath).toMatch(nodeMajor >= 22 ? /node_modules\/better-sqlite3-13\// : /node_modules\/better-sqlite3\//);
  });

  it('survives the garbage collector finalizing discarded statements and closed stores', async () => {
    // given processes that prepare statements, drop them and open and close stores. With
    // better-sqlite3 12 on Node 24.21 about half such runs aborted, whichever collection finalized
    // a statement first, so three are run (the six engine starts of the e2e tests all aborted)
    const dir = aTempDir();
    const runs = await Promise.all([1, 2, 3].map((n) => runChild(join(dir, `driver-${n}.db`))));

    // then each ends normally
    for (const run of runs) {
      expect({ code: run.code, signal: run.signal }, run.stderr).toEqual({ code: 0, signal: null });
      expect(run.stdout).toBe('survived\n');
    }
  });
});
