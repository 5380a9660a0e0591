import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';
import { parseApiKeys } from '../api/auth.js';
import { DEFAULT_READ_BUDGET_MS_PER_MINUTE } from '../api/readBudget.js';
import { DEFAULT_LOSS_REASONS } from '../domain/deal/commands.js';

/** An address or CIDR range as proxy-addr (Fastify's trustProxy) takes it, or one of its named ranges. */
function isProxyAddress(value: string): boolean {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(value)) return true;
  const [address = '', prefix, ...rest] = value.split('/');
  const family = isIP(address);
  if (family === 0 || rest.length > 0) return false;
  return prefix === undefined || (/^\d{1,3}$/.test(prefix) && Number(prefix) <= (family === 4 ? 32 : 128));
}

/** A web origin exactly as a browser writes it in the Origin header (its own serialisation). */
function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.origin === value;
  } catch {
    return false;
  }
}

/** A whole number in [min, max]; every rule broken gives the same message, naming the range (and the unit). */
function wholeNumber(min: number, max: number, unit?: string) {
  const rule = `must be a whole number${unit ? ` of ${unit}` : ''} from ${min} to ${max}`;
  return z.coerce.number({ error: rule }).int(rule).min(min, rule).max(max, rule);
}

const port = wholeNumber(0, 65535);

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
    SQLITE_POLL_INTERVAL_MS: wholeNumber(10, 60_000, 'milliseconds').default(250),
    CLOCK_SKEW_MS: wholeNumber(0, 86_400_000, 'milliseconds').default(300_000),
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
    // The same entries in a file (a mounted secret), one or more a line; # starts a comment.
    API_KEYS_FILE: z
      .string()
      .transform((path, ctx) => {
        try {
          const entries = readFileSync(path, 'utf8')
            .split('\n')
            .map((line) => line.replace(/#.*/, '').trim())
            .filter(Boolean);
          if (entries.length === 0) throw new Error('it holds no entry');
          return parseApiKeys(entries.join(','));
        } catch (error) {
          ctx.addIssue({ code: 'custom', message: `must name a readable file of name:role:sha256 entries (${error instanceof Error ? error.message : String(error)})` });
          return z.NEVER;
        }
      })
      .optional(),
    RATE_LIMIT_PER_MINUTE: wholeNumber(1, 1_000_000).default(600),
    READ_BUDGET_MS_PER_MINUTE: wholeNumber(100, 3_600_000, 'milliseconds').default(DEFAULT_READ_BUDGET_MS_PER_MINUTE),
    CORS_ORIGINS: z
      .string()
      .transform((list) => list.split(',').map((origin) => origin.trim()).filter(Boolean))
      // Compared with the Origin header as browsers send it: `https://dash.example.com/` would never match, silently.
      .pipe(z.array(z.string().refine(isOrigin, 'must be origins as browsers send them: scheme://host[:port], lower case, no path or trailing slash, such as https://dash.example.com')))
      .default([]),
    // Behind a reverse proxy every client comes from the proxy's address: the limits per address (requests without a valid key) need the client's.
    TRUST_PROXY: z
      .string()
      .transform((value) => value.split(',').map((entry) => entry.trim()))
      .pipe(
        z.array(z.string().refine(isProxyAddress, 'must be the proxies to trust: comma-separated IP addresses or CIDR ranges (10.0.0.0/8), or loopback, linklocal, uniquelocal')),
      )
      .optional(),
    MAX_REPLAY_EVENTS: wholeNumber(1000, 1_000_000_000, 'events').default(2_000_000),
    SNAPSHOT_EVERY: wholeNumber(1000, 100_000_000, 'events').default(100_000),
    SNAPSHOT_DELTA_EVERY: wholeNumber(100, 100_000_000, 'events').default(10_000),
    SNAPSHOT_KEEP: wholeNumber(1, 10_000, 'full snapshots').default(50),
    COMMAND_CONFLICT_RETRIES: wholeNumber(0, 100).default(5),
  })
  .superRefine((config, ctx) => {
    if (config.STORE === 'eventstoredb' && !config.EVENTSTORE_CONNECTION_STRING) {
      ctx.addIssue({ code: 'custom', path: ['EVENTSTORE_CONNECTION_STRING'], message: 'is required when STORE=eventstoredb' });
    }
    if (config.API_KEYS !== undefined && config.API_KEYS_FILE !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['API_KEYS_FILE'], message: 'cannot be set with API_KEYS: set one of them' });
    }
  });

export type Config = z.infer<typeof configSchema>;

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const SECRET_VARIABLES = new Set(['API_KEYS', 'EVENTSTORE_CONNECTION_STRING']);

/**
 * Reads the configuration; an empty variable, or one of blanks only, counts as unset (as a number,
 * `PORT=' '` would otherwise be 0: a random port). Throws one line naming the variable and the rule.
 */
export function loadConfig(env: NodeJS.ProcessEnv): Config {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value.trim() !== ''));
  const parsed = configSchema.safeParse(present);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const name = String(issue?.path[0] ?? 'configuration');
  // A value that holds secrets (key hashes, a connection string's credentials) is not echoed into logs.
  const got = present[name] === undefined || SECRET_VARIABLES.has(name) ? '' : ` (got "${present[name]}")`;
  throw new ConfigError(`${name} ${issue?.message ?? 'is invalid'}${got}`);
}
