import { defineConfig } from 'vitest/config';

// Three tiers by file suffix (STYLE.md §10), each runnable alone: `vitest run --project unit`.
export default defineConfig({
  test: {
    setupFiles: ['tests/support/tableEquality.ts'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['tests/**/*.unit.test.ts'] } },
      { extends: true, test: {
          name: 'int',
          include: ['tests/**/*.int.test.ts'],
          globalSetup: ['tests/support/eventStoreDbSetup.ts'], testTimeout: 60_000, hookTimeout: 120_000 } },
      { extends: true, test: { name: 'e2e', include: ['tests/**/*.e2e.test.ts'], testTimeout: 60_000, hookTimeout: 60_000 } },
    ],
  },
});
