import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sqliteDriverPath } from '../../../src/eventstore/sqlite/driver.js';
import { aTempDir } from '../../support/tempDir.js';

const script = fileURLToPath(new URL('./discardStatements.ts', import.meta.url));
const nodeMajor = Number(process.versions.node.split('.')[0]);

describe(`the SQLite driver on Node ${process.versions.node}`, () => {
  it(nodeMajor >= 22 ? 'is better-sqlite3 13, which Node 24.19+ does not abort on' : 'is better-sqlite3 12, as 13 does not run on Node 20', () => {
    // given this Node.js, then the driver chosen is the one it can run
    expect(sqliteDriverPath).toMatch(nodeMajor >= 22 ? /node_modules\/better-sqlite3-13\// : /node_modules\/better-sqlite3\//);
  });

  it('survives the garbage collector finalizing discarded statements and closed stores', () => {
    // given a process that prepares statements, drops them and opens and closes stores
    const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, join(aTempDir(), 'driver.db')], { encoding: 'utf8', timeout: 60_000 });

    // then it ends normally, where better-sqlite3 12 on Node 24.19+ aborts ("Assertion failed: (env) != nullptr")
    expect({ status: run.status, signal: run.signal }, run.stderr).toEqual({ status: 0, signal: null });
    expect(run.stdout).toBe('survived\n');
  });
});
