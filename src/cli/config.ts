import { z } from 'zod';
import { parseApiKeys } from '../api/auth.js';
import { DEFAULT_LOSS_REASONS } from '../domain/deal/commands.js';

const port = z.coerce
  .number({ error: 'must be a whole number from 0 to 65535' })
  .int('must be a whole number from 0 to 65535')
  .min(0, 'must be a whole number from 0 to 65535')
  .max(65535, 'must be a whole number from 0 to 65535');

/** Every setting the engine reads from the environment, with its default (README lists them). */
export const configSchema = z
  .object({
    STORE: z.enum(['sqlite', 'eventstoredb', 'memory'], { error: 'must be one of sqlite, eventstoredb, memory' }).default('sqlite'),
    DATA_DIR: z.string().default('./data'),
    HOST: z.string().regex(/^[A-Za-z0-9.:[\]-]+$/, 'must be a host name or an IP address').default('127.0.0.1'),
    PORT: port.default(3000),
    LOG_LEVEL: z
      .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
        error: 'must be one of fatal, error, warn, info, debug, trace, silent',
      })
      .default('info'),
    EVENTSTORE_CONNECTION_STRING: z
      .string()
      .regex(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/\S+$/, 'must be an esdb:// (or kurrentdb://) connection string')
      .optional(),
    SQLITE_POLL_INTERVAL_MS: z.coerce
      .number({ error: 'must be a whole number of milliseconds from 10 to 60000' })
      .int('must be a whole number of milliseconds from 10 to 60000')
      .min(10, 'must be a whole number of milliseconds from 10 to 60000')
      .max(60_000, 'must be a whole number of milliseconds from 10 to 60000')
      .default(250),
    CLOCK_SKEW_MS: z.coerce
      .number({ error: 'must be a whole number of milliseconds from 0 to 86400000' })
      .int('must be a whole number of milliseconds from 0 to 86400000')
      .min(0, 'must be a whole number of milliseconds from 0 to 86400000')
      .max(86_400_000, 'must be a whole number of milliseconds from 0 to 86400000')
      .default(300_000),
    LOSS_REASONS: z
      .string()
      .transform((list) => list.split(',').map((reason) => reason.trim()))
      .pipe(z.array(z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,99}$/, 'must be a comma-separated list of names such as price,timing')).min(1))
      .default([...DEFAULT_LOSS_REASONS]),
    API_KEYS: z
      .string()
      .transform((text, ctx) => {
        try {
          return parseApiKeys(text);
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `must be comma-separated name:role:sha256 entries (${error instanceof Error ? error.message : String(error)})` });
          return z.NEVER;
        }
      })
      .optional(),
    RATE_LIMIT_PER_MINUTE: z.coerce
      .number({ error: 'must be a whole number from 1 to 1000000' })
      .int('must be a whole number from 1 to 1000000')
      .min(1, 'must be a whole number from 1 to 1000000')
      .max(1_000_000, 'must be a whole number from 1 to 1000000')
      .default(600),
    CORS_ORIGINS: z
      .string()
      .transform((list) => list.split(',').map((origin) => origin.trim()).filter(Boolean))
      .pipe(z.array(z.url({ error: 'must be a comma-separated list of origins such as https://dash.example.com' })))
      .default([]),
    MAX_REPLAY_EVENTS: z.coerce
      .number({ error: 'must be a whole number of events from 1000 to 1000000000' })
      .int('must be a whole number of events from 1000 to 1000000000')
      .min(1000, 'must be a whole number of events from 1000 to 1000000000')
      .max(1_000_000_000, 'must be a whole number of events from 1000 to 1000000000')
      .default(2_000_000),
    SNAPSHOT_EVERY: z.coerce
      .number({ error: 'must be a whole number of events from 1000 to 100000000' })
      .int('must be a whole number of events from 1000 to 100000000')
      .min(1000, 'must be a whole number of events from 1000 to 100000000')
      .max(100_000_000, 'must be a whole number of events from 1000 to 100000000')
      .default(25_000),
    SNAPSHOT_DELTA_EVERY: z.coerce
      .number({ error: 'must be a whole number of events from 100 to 100000000' })
      .int('must be a whole number of events from 100 to 100000000')
      .min(100, 'must be a whole number of events from 100 to 100000000')
      .max(100_000_000, 'must be a whole number of events from 100 to 100000000')
      .default(2_500),
    SNAPSHOT_KEEP: z.coerce
      .number({ error: 'must be a whole number of full snapshots from 1 to 10000' })
      .int('must be a whole number of full snapshots from 1 to 10000')
      .min(1, 'must be a whole number of full snapshots from 1 to 10000')
      .max(10_000, 'must be a whole number of full snapshots from 1 to 10000')
      .default(50),
    COMMAND_CONFLICT_RETRIES: z.coerce
      .number({ error: 'must be a whole number from 0 to 100' })
      .int('must be a whole number from 0 to 100')
      .min(0, 'must be a whole number from 0 to 100')
      .max(100, 'must be a whole number from 0 to 100')
      .default(5),
  })
  .superRefine((config, ctx) => {
    if (config.STORE === 'eventstoredb' && !config.EVENTSTORE_CONNECTION_STRING) {
      ctx.addIssue({ code: 'custom', path: ['EVENTSTORE_CONNECTION_STRING'], message: 'is required when STORE=eventstoredb' });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads the configuration; an empty variable counts as unset. Throws one line naming the variable and the rule. */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const parsed = configSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? 'configuration');
  const got = present[name] === undefined ? '' : ` (got "${present[name]}")`;
  throw new ConfigError(`${name} ${issue?.message ?? 'is invalid'}${got}`);
}
