import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { afterAll, describe, expect, it } from 'vitest';

const eslint = new ESLint({ cwd: process.cwd() });

async function ruleIdsFor(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).map((m) => m.ruleId ?? m.message);
}

describe('architecture boundaries (STYLE.md §9), enforced by the linter', () => {
  it.each([
    ['src/domain/deal/decider.ts', "import Fastify from 'fastify';"],
    ['src/domain/deal/decider.ts', "import Database from 'better-sqlite3';"],
    ['src/domain/deal/decider.ts', "import { readFileSync } from 'node:fs';"],
    ['src/domain/deal/decider.ts', "import type { EventStore } from '../../eventstore/port.js';"],
    ['src/projections/funnel.ts', "import { EventStoreDBClient } from '@eventstore/db-client';"],
    ['src/projections/funnel.ts', "import { openSqliteStore } from '../eventstore/sqlite/store.js';"],
    ['src/projections/funnel.ts', "import { buildServer } from '../api/server.js';"],
    ['src/application/handle.ts', "import { createMemoryStore } from '../eventstore/memory.js';"],
  ])('refuses in %s: %s', async (filePath, code) => {
    expect(await ruleIdsFor(filePath, `${code}\nexport const used = 1;\n`)).toContain('no-restricted-imports');
  });

  it('lets projections use the store port', async () => {
    const code = "import type { RecordedEvent } from '../eventstore/port.js';\nexport type E = RecordedEvent;\n";
    expect(await ruleIdsFor('src/projections/funnel.ts', code)).toEqual([]);
  });

  describe('import cycles', () => {
    const dir = join(process.cwd(), 'tests', 'architecture', `cycle-probe-${process.pid}`);
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    const depcruise = (target: string) =>
      spawnSync(join(process.cwd(), 'node_modules', '.bin', 'depcruise'), ['--config', '.dependency-cruiser.cjs', target], {
        encoding: 'utf8',
      });

    it('fails on a cycle between two modules', () => {
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'a.ts'), "import { b } from './b.js';\nexport const a = () => b;\n");
      writeFileSync(join(dir, 'b.ts'), "import { a } from './a.js';\nexport const b = () => a;\n");
      const result = depcruise(dir);
      expect(result.status).not.toBe(0);
      expect(result.stdout).toContain('no-circular');
    });

    it('finds none in the code base', () => {
      const result = depcruise('src');
      expect(result.stdout).toContain('no dependency violations found');
      expect(result.status).toBe(0);
    });
  });
});
