import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';

/** An open SQLite connection (both drivers below have the same API). */
export type Connection = BetterSqlite3.Database;

const require = createRequire(import.meta.url);
const [nodeMajor = 0, nodeMinor = 0] = process.versions.node.split('.').map(Number);

function installed(name: string): string | null {
  try {
    return require.resolve(name);
  } catch {
    return null;
  }
}

/**
 * The better-sqlite3 this Node.js can run. 12.x wraps its objects with `node::ObjectWrap`, and
 * Node 24.19 and later 24.x abort the process when the garbage collector finalizes such an object
 * (nodejs/node#65446: "Assertion failed: (env) != nullptr" in RemoveEnvironmentCleanupHook), which
 * every discarded statement is. 13.x is built on node-addon-api and does not, but its prebuilt
 * binary needs Node 22 or newer (on Node 20 it crashes on the first query). So 13.x, an optional
 * dependency installed under another name, where Node is 22 or newer, and 12.x, compiled at
 * install, otherwise.
 */
function choose(): string {
  const napi = nodeMajor >= 22 ? installed('better-sqlite3-13') : null;
  if (napi !== null) return napi;
  if (nodeMajor === 24 && nodeMinor >= 19) {
    process.emitWarning(
      `Node ${process.versions.node} may abort when it collects a better-sqlite3 12 statement (nodejs/node#65446), and better-sqlite3 13 (an optional dependency) is not installed: run npm install without --omit=optional`,
      { code: 'SPE_SQLITE_DRIVER' },
    );
  }
  return require.resolve('better-sqlite3');
}

/** The driver's entry point: threads with a connection of their own `require` it too. */
export const sqliteDriverPath: string = choose();

export const Database = require(sqliteDriverPath) as typeof BetterSqlite3;
