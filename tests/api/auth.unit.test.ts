import { describe, expect, it } from 'vitest';
import { keyring, rememberedPerConnection, sha256Hex } from '../../src/api/auth.js';
import type { ApiKey } from '../../src/api/auth.js';

const admin: ApiKey = { name: 'ops', role: 'admin', sha256: sha256Hex('secret-admin') };
const viewer: ApiKey = { name: 'dash', role: 'viewer', sha256: sha256Hex('secret-viewer') };

/** The keyring of both keys, counting how many times a secret was hashed and looked up. */
function countedKeyring() {
  const find = keyring([admin, viewer]);
  const calls = { count: 0 };
  return { calls, authenticate: rememberedPerConnection((secret) => ((calls.count += 1), find(secret))) };
}

describe('a key remembered per connection', () => {
  it('is looked up once while a connection sends the same header', () => {
    // given a connection that authenticated with the admin key
    const { calls, authenticate } = countedKeyring();
    const connection = {};
    expect(authenticate(connection, 'Bearer secret-admin', 'secret-admin')).toBe(admin);
    // when it sends the same header again
    const again = authenticate(connection, 'Bearer secret-admin', 'secret-admin');
    // then it is the same key, and nothing was looked up again
    expect(again).toBe(admin);
    expect(calls.count).toBe(1);
  });

  it('lets nothing through on a connection that authenticated before but now sends another header', () => {
    const { calls, authenticate } = countedKeyring();
    const connection = {};
    authenticate(connection, 'Bearer secret-admin', 'secret-admin');
    // a guess of the same length, and a shorter one, on the connection the admin key came on
    expect(authenticate(connection, 'Bearer secret-admiN', 'secret-admiN')).toBeNull();
    expect(authenticate(connection, 'Bearer secret', 'secret')).toBeNull();
    // another valid key on it is that key, with its own role, not the remembered one
    expect(authenticate(connection, 'Bearer secret-viewer', 'secret-viewer')).toBe(viewer);
    expect(authenticate(connection, 'Bearer secret-admin', 'secret-admin')).toBe(admin);
    expect(calls.count).toBe(5);
  });

  it('remembers nothing for another connection, nor a header that was refused', () => {
    const { calls, authenticate } = countedKeyring();
    const first = {};
    const second = {};
    authenticate(first, 'Bearer secret-admin', 'secret-admin');
    expect(authenticate(second, 'Bearer secret-admin', 'secret-admin')).toBe(admin);
    expect(authenticate(second, 'Bearer guess', 'guess')).toBeNull();
    expect(authenticate(second, 'Bearer guess', 'guess')).toBeNull();
    expect(calls.count).toBe(4);
  });
});
