// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const IO_PACKAGES = ['fastify', 'fastify/*', '@fastify/*', 'better-sqlite3', '@eventstore/db-client', 'node:fs', 'node:fs/*', 'fs', 'fs/*'];
const ADAPTERS = ['**/eventstore/sqlite/**', '**/eventstore/eventstoredb*', '**/eventstore/memory*'];

/** STYLE.md §9: the inner layers name what they may not reach. (Import cycles: .dependency-cruiser.cjs.) */
const forbid = (patterns, why) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message: why }] }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'reports/**', 'data/**', 'coverage/**', 'scratch/**'] },
  js.configs.recommended,
  { files: ['**/*.cjs'], languageOptions: { sourceType: 'commonjs', globals: { module: 'writable', require: 'readonly' } } },
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setImmediate: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'separate-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-syntax': [
        'error',
        { selector: 'ExportAllDeclaration', message: 'no `export *` barrels: list what a module offers by name (STYLE.md)' },
      ],
    },
  },
  {
    files: ['src/domain/**/*.ts'],
    rules: forbid([...IO_PACKAGES, '**/api/**', '**/eventstore/**', '**/application/**', '**/projections/**', '**/cli/**'], 'the domain is pure: no I/O, no store, no outer layer (STYLE.md §9)'),
  },
  {
    files: ['src/projections/**/*.ts'],
    rules: forbid([...IO_PACKAGES, '**/api/**', '**/application/**', '**/cli/**', ...ADAPTERS], 'projections know the domain and the store port only (STYLE.md §9)'),
  },
  {
    files: ['src/application/**/*.ts'],
    rules: forbid(['fastify', 'fastify/*', '@fastify/*', 'better-sqlite3', '@eventstore/db-client', '**/api/**', '**/cli/**', ...ADAPTERS], 'application handles commands through the store port (DESIGN.md §3)'),
  },
  {
    files: ['src/eventstore/**/*.ts'],
    rules: forbid(['**/api/**', '**/application/**', '**/cli/**', '**/projections/**'], 'the store knows nothing above it'),
  },
  {
    files: ['src/api/**/*.ts'],
    rules: forbid(['**/cli/**', ...ADAPTERS], 'the API takes its store from the composition root (src/cli)'),
  },
);
