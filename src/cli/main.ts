#!/usr/bin/env node
import { ConfigError, loadConfig } from './config.js';
import { serve } from './serve.js';

const USAGE = `usage: sales-pipeline <command>

commands:
  serve    start the HTTP API on the configured store (see README: configuration)
  help     show this text`;

async function main(argv: readonly string[]): Promise<number> {
  const [command = 'help'] = argv;
  switch (command) {
    case 'serve':
      await serve(loadConfig(process.env));
      return 0;
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

main(process.argv.slice(2)).then(
  (code) => {
    if (code !== 0) process.exitCode = code;
  },
  (error: unknown) => {
    // Start-up failures are the operator's to fix: one line, no stack trace.
    const message = error instanceof ConfigError ? `configuration error: ${error.message}` : `cannot start: ${error instanceof Error ? error.message : String(error)}`;
    console.error(message);
    process.exit(1);
  },
);
