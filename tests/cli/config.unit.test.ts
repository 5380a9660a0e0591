import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/cli/config.js';

describe('configuration from the environment', () => {
  it('runs everything on one machine by default', () => {
    expect(loadConfig({})).toEqual({
      STORE: 'sqlite',
      DATA_DIR: './data',
      HOST: '127.0.0.1',
      PORT: 3000,
      LOG_LEVEL: 'info',
      SQLITE_POLL_INTERVAL_MS: 250,
      CLOCK_SKEW_MS: 300_000,
      LOSS_REASONS: ['price', 'competitor', 'noBudget', 'noDecision', 'timing', 'productFit', 'relationship', 'other'],
      COMMAND_CONFLICT_RETRIES: 5,
      SNAPSHOT_EVERY: 100_000,
      SNAPSHOT_DELTA_EVERY: 10_000,
      SNAPSHOT_KEEP: 50,
      RATE_LIMIT_PER_MINUTE: 600,
      READ_BUDGET_MS_PER_MINUTE: 20_000,
      MAX_REPLAY_EVENTS: 2_000_000,
      CORS_ORIGINS: [],
    });
  });

  it('reads API keys from a file as well, one or more entries a line, with comments', () => {
    // given a file of keys, as a mounted secret would be
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    const file = join(dir, 'keys');
    writeFileSync(file, `# the dashboards\ndash:viewer:${'ab'.repeat(32)}\n\nops:admin:${'cd'.repeat(32)}, bi:viewer:${'ef'.repeat(32)} # BI tool\n`);
    // when the configuration names it, then its keys are the keys; and a key set both ways, or a file that is not there, is refused
    expect(loadConfig({ API_KEYS_FILE: file }).API_KEYS_FILE?.map((k) => `${k.name}:${k.role}`)).toEqual(['dash:viewer', 'ops:admin', 'bi:viewer']);
    expect(() => loadConfig({ API_KEYS_FILE: file, API_KEYS: `x:viewer:${'12'.repeat(32)}` })).toThrow('API_KEYS_FILE cannot be set with API_KEYS: set one of them');
    expect(() => loadConfig({ API_KEYS_FILE: join(dir, 'missing') })).toThrow(/^API_KEYS_FILE must name a readable file of name:role:sha256 entries \(ENOENT/);
    writeFileSync(file, '# nothing yet\n');
    expect(() => loadConfig({ API_KEYS_FILE: file })).toThrow('API_KEYS_FILE must name a readable file of name:role:sha256 entries (it holds no entry)');
    rmSync(dir, { recursive: true });
  });

  it('takes the proxies to trust as addresses, ranges or the names of ranges', () => {
    expect(loadConfig({ TRUST_PROXY: '10.0.0.0/8, loopback,::1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', 'loopback', '::1']);
    expect(loadConfig({}).TRUST_PROXY).toBeUndefined();
    expect(() => loadConfig({ TRUST_PROXY: 'true' })).toThrow('TRUST_PROXY must be the proxies to trust: comma-separated IP addresses or CIDR ranges (10.0.0.0/8), or loopback, linklocal, uniquelocal');
  });

  it('takes CORS origins as browsers send them', () => {
    expect(loadConfig({ CORS_ORIGINS: 'https://dash.example.com, http://localhost:5173' }).CORS_ORIGINS).toEqual(['https://dash.example.com', 'http://localhost:5173']);
  });

  it('reads the loss reasons as a comma-separated list', () => {
    expect(loadConfig({ LOSS_REASONS: 'price, timing,other' }).LOSS_REASONS).toEqual(['price', 'timing', 'other']);
  });

  it('treats an empty variable, or one of blanks only, as unset', () => {
    expect(loadConfig({ PORT: '', STORE: '' })).toMatchObject({ PORT: 3000, STORE: 'sqlite' });
    expect(loadConfig({ PORT: ' ', CLOCK_SKEW_MS: '\t', COMMAND_CONFLICT_RETRIES: '  ' })).toMatchObject({ PORT: 3000, COMMAND_CONFLICT_RETRIES: 5 });
  });

  it.each([
    [{ PORT: 'eighty' }, 'PORT must be a whole number from 0 to 65535 (got "eighty")'],
    [{ PORT: '70000' }, 'PORT must be a whole number from 0 to 65535 (got "70000")'],
    [{ STORE: 'postgres' }, 'STORE must be one of sqlite, eventstoredb, memory (got "postgres")'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent (got "loud")'],
    [{ STORE: 'eventstoredb' }, 'EVENTSTORE_CONNECTION_STRING is required when STORE=eventstoredb'],
    [{ EVENTSTORE_CONNECTION_STRING: 'http://x' }, 'EVENTSTORE_CONNECTION_STRING must be an esdb:// (or kurrentdb://) connection string'],
    [{ API_KEYS: 'ops:root:abc' }, 'API_KEYS must be comma-separated name:role:sha256 entries (entry 1 ("ops:…"): role must be one of viewer, rep, manager, admin)'],
    [{ API_KEYS: `a:viewer:${'ab'.repeat(32)},b:admin:${'ab'.repeat(32)}` }, 'API_KEYS must be comma-separated name:role:sha256 entries (entry 2 ("b:…"): sha256 is already that of an earlier entry'],
    [{ API_KEYS: `ops:viewer:${'ab'.repeat(32)},ops:admin:${'cd'.repeat(32)}` }, 'API_KEYS must be comma-separated name:role:sha256 entries (entry 2 ("ops:…"): name is already that of an earlier entry'],
    [{ LOSS_REASONS: 'price,,timing' }, 'LOSS_REASONS must be a comma-separated list of names such as price,timing (got "price,,timing")'],
    [{ CLOCK_SKEW_MS: '-1' }, 'CLOCK_SKEW_MS must be a whole number of milliseconds from 0 to 86400000 (got "-1")'],
    [{ SNAPSHOT_DELTA_EVERY: '10' }, 'SNAPSHOT_DELTA_EVERY must be a whole number of events from 100 to 100000000 (got "10")'],
    [{ SNAPSHOT_KEEP: '0' }, 'SNAPSHOT_KEEP must be a whole number of full snapshots from 1 to 10000 (got "0")'],
    [{ SNAPSHOT_KEEP: '2.5' }, 'SNAPSHOT_KEEP must be a whole number of full snapshots from 1 to 10000 (got "2.5")'],
    [{ SQLITE_POLL_INTERVAL_MS: '1' }, 'SQLITE_POLL_INTERVAL_MS must be a whole number of milliseconds from 10 to 60000 (got "1")'],
    [{ CORS_ORIGINS: 'https://dash.example.com/' }, 'CORS_ORIGINS must be origins as browsers send them: scheme://host[:port], lower case, no path or trailing slash, such as https://dash.example.com (got "https://dash.example.com/")'],
    [{ CORS_ORIGINS: 'https://a.example.com,https://dash.example.com/app' }, 'such as https://dash.example.com (got "https://a.example.com,https://dash.example.com/app")'],
    [{ CORS_ORIGINS: 'https://Dash.Example.com' }, 'CORS_ORIGINS must be origins as browsers send them'],
  ])('refuses %o with one line naming the variable and the rule', (env, message) => {
    expect(() => loadConfig(env)).toThrow(message);
  });

  it('names the entry at fault in API_KEYS, but never echoes the value of a variable that holds secrets', () => {
    // given key entries whose hashes, and a connection string whose password, must not reach the logs
    const hash = 'c7b2'.repeat(16);
    const keys = `ops:admin:${hash},bi:viewer:${'0bea'.repeat(16)},x:superuser:00`;
    const connection = 'http://admin:s3cret@eventstore:2113';
    // when each is refused, then the message names the variable and the rule, and holds no part of the value
    for (const [env, secret] of [[{ API_KEYS: keys }, hash], [{ EVENTSTORE_CONNECTION_STRING: connection }, 's3cret']] as const) {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).not.toThrow(secret);
    }
    expect(() => loadConfig({ API_KEYS: keys })).toThrow(/^API_KEYS must be comma-separated name:role:sha256 entries \(entry 3 \("x:…"\): role must be one of viewer, rep, manager, admin\)$/);
  });

  it('accepts an EventStoreDB configuration', () => {
    expect(loadConfig({ STORE: 'eventstoredb', EVENTSTORE_CONNECTION_STRING: 'esdb://eventstore:2113?tls=false' })).toMatchObject({
      STORE: 'eventstoredb',
      EVENTSTORE_CONNECTION_STRING: 'esdb://eventstore:2113?tls=false',
    });
  });
});
