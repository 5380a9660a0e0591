import { hash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

export const roles = ['viewer', 'rep', 'manager', 'admin'] as const;
export type Role = (typeof roles)[number];

/** Each role may do what the ones before it may: viewer reads; rep writes deals, customers, visits, complaints; manager also targets, reassignments, teams, pipelines, reps; admin also operations. */
export const allows = (granted: Role, needed: Role): boolean => roles.indexOf(granted) >= roles.indexOf(needed);

/** A configured key: its name (the actor in event metadata), its role, and the SHA-256 of the secret. */
const apiKeySchema = z.object({
  name: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'must be 1–64 letters, digits, _ . or -'),
  role: z.enum(roles, { error: `must be one of ${roles.join(', ')}` }),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits (the SHA-256 of the key)'),
});
export type ApiKey = z.infer<typeof apiKeySchema>;

/** Parses `name:role:sha256,name:role:sha256`; throws one line naming the entry at fault. */
export function parseApiKeys(text: string): ApiKey[] {
  const keys = text
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry.length > 0)
    .map((entry, i) => {
      const [name, role, sha256] = entry.split(':');
      const parsed = apiKeySchema.safeParse({ name, role, sha256 });
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new Error(`entry ${i + 1} ("${name ?? ''}:…"): ${String(issue?.path[0])} ${issue?.message ?? 'is invalid'}`);
      }
      return parsed.data;
    });
  // One secret under two entries would act with whichever came first; one name for two keys would make the recorded actor ambiguous.
  for (const [field, of] of [['name', (k: ApiKey) => k.name], ['sha256', (k: ApiKey) => k.sha256]] as const) {
    const seen = new Set<string>();
    for (const [i, key] of keys.entries()) {
      if (seen.has(of(key))) throw new Error(`entry ${i + 1} ("${key.name}:…"): ${field} is already that of an earlier entry; each key needs its own name and secret`);
      seen.add(of(key));
    }
  }
  return keys;
}

export const sha256Hex = (secret: string): string => hash('sha256', secret, 'hex');

/** A new random admin key, for a first start with none configured. */
export function generateAdminKey(): { secret: string; key: ApiKey } {
  const secret = `spe_${randomBytes(24).toString('base64url')}`;
  return { secret, key: { name: 'generated-admin', role: 'admin', sha256: sha256Hex(secret) } };
}

/**
 * Finds the key a bearer secret belongs to (the digests are decoded once, here). Digests are
 * compared in constant time, and every configured key is compared, so timing tells nothing
 * about which part of a guess was right.
 */
export function keyring(keys: readonly ApiKey[]): (secret: string) => ApiKey | null {
  const known = keys.map((key) => ({ key, digest: Buffer.from(key.sha256, 'hex') }));
  return (secret) => {
    // One-shot: every request pays for it, and it takes about 0.6 µs where a Hash object takes 1.
    const digest = hash('sha256', secret, 'buffer');
    let found: ApiKey | null = null;
    for (const { key, digest: expected } of known) if (timingSafeEqual(digest, expected)) found = key;
    return found;
  };
}

/**
 * `authenticate`, remembering for each connection the last header it let in. A client sends the
 * same header on every request of a kept-alive connection, and hashing it again was most of what
 * authentication cost a request (about 8 µs of the event loop, in profiles of the API under load).
 * The header is compared in constant time too: a proxy may carry many clients on one connection.
 */
export function rememberedPerConnection(authenticate: (secret: string) => ApiKey | null): (connection: object, header: string, secret: string) => ApiKey | null {
  const last = new WeakMap<object, { header: Buffer; key: ApiKey }>();
  return (connection, header, secret) => {
    const given = Buffer.from(header);
    const known = last.get(connection);
    if (known && known.header.length === given.length && timingSafeEqual(known.header, given)) return known.key;
    const key = authenticate(secret);
    if (key) last.set(connection, { header: given, key });
    return key;
  };
}
