#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config.js';
import { rebuild, seed } from './maintenance.js';
import { serve } from './serve.js';

const USAGE = `usage: sales-pipeline <command> [options]

commands:
  serve                          start the HTTP API on the configured store (see README: configuration)
  seed [--events N] [--seed S]   fill an empty store with a generated sales history of about N events (1000 to 50000000, default 10000; seed 1)
  rebuild [projection …]         rebuild projections from the first event, replacing their snapshots (default: all)
  help                           show this text (as does --help after any command)`;

/** A generated history is about this many events: a small organisation at least, and no more than it holds in memory at once. */
const SEED_EVENTS = [1_000, 50_000_000] as const;

function wholeNumber(name: string, value: string | undefined, fallback: number, [min, max]: readonly [number, number]): number {
  if (value === undefined) return fallback;
  const number = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!(number >= min && number <= max)) throw new ConfigError(`--${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')} (got "${value}")`);
  return number;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command = 'help', ...rest] = argv;
  // Asked of a command, help is shown rather than taken as one of its options (or, for serve, ignored while it starts).
  if (rest.includes('--help') || rest.includes('-h')) return main(['help']);
  switch (command) {
    case 'serve':
      await serve(loadConfig(process.env));
      return 0;
    case 'seed': {
      const { values } = parseArgs({ args: rest, options: { events: { type: 'string' }, seed: { type: 'string' } } });
      await seed(loadConfig(process.env), { events: wholeNumber('events', values.events, 10_000, SEED_EVENTS), seed: wholeNumber('seed', values.seed, 1, [0, 2 ** 31 - 1]) }, console.log);
      return 0;
    }
    case 'rebuild': {
      const { positionals } = parseArgs({ args: rest, allowPositionals: true });
      await rebuild(loadConfig(process.env), positionals, console.log);
      return 0;
    }
    case 'help':
    case '--help':
    case '-h':
      console.log(USAGE);
      return 0;
    default:
      console.error(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

const command = process.argv[2] ?? 'help';
main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    // Start-up failures are the operator's to fix: one line, no stack trace.
    const reason = error instanceof Error ? error.message : String(error);
    const message = error instanceof ConfigError ? `configuration error: ${reason}` : command === 'serve' ? `cannot start: ${reason}` : `${command} failed: ${reason}`;
    console.error(message);
    process.exit(1);
  },
);
