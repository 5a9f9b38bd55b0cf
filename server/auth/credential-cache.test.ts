import { base64Url } from '@better-auth/utils/base64';
import { createHash } from '@better-auth/utils/hash';
import { describe, expect, it } from 'vitest';
import { CredentialCache, sha256Token } from './credential-cache';
import type { Principal } from './principal';

const principal = (id: string, credentials: string[] = [`apikey:${id}`]): Principal => ({ kind: 'api_key', id, name: id, scopes: new Set(), credentials });

describe('CredentialCache', () => {
  it('answers from memory until the entry lapses, then asks again', async () => {
    const cache = new CredentialCache(50);
    let loads = 0;
    const load = async () => ({ principal: principal(`k${++loads}`) });
    expect((await cache.resolve('h', load))?.id).toBe('k1');
    expect((await cache.resolve('h', load))?.id).toBe('k1');
    await new Promise((r) => setTimeout(r, 60));
    expect((await cache.resolve('h', load))?.id).toBe('k2');
  });

  it('never keeps an entry past the credential’s own expiry, and never a refusal', async () => {
    const cache = new CredentialCache(60_000);
    await cache.resolve('h', async () => ({ principal: principal('k'), expiresAt: new Date(Date.now() + 30) }));
    expect(cache.get('h')).toBeDefined();
    await new Promise((r) => setTimeout(r, 40));
    expect(cache.get('h')).toBeUndefined();
    expect(await cache.resolve('none', async () => null)).toBeNull();
    expect(cache.size).toBe(0);
  });

  it('forgets every entry standing on a revoked credential, wrapped ones included', async () => {
    const cache = new CredentialCache();
    await cache.resolve('key', async () => ({ principal: principal('k') }));
    await cache.resolve('dashboard', async () => ({ principal: principal('k', ['apikey:k', 'token-session:d']) }));
    await cache.resolve('other', async () => ({ principal: principal('o') }));
    cache.revoke('apikey:k');
    expect(cache.get('key')).toBeUndefined();
    expect(cache.get('dashboard')).toBeUndefined();
    expect(cache.get('other')?.id).toBe('o');
  });

  it('does not store what a lookup in flight during a revocation read', async () => {
    const cache = new CredentialCache();
    let release!: () => void;
    const pending = cache.resolve('h', () => new Promise((resolve) => (release = () => resolve({ principal: principal('k') }))));
    cache.revoke('apikey:k');
    release();
    expect((await pending)?.id).toBe('k');
    expect(cache.get('h')).toBeUndefined();
  });

  it('keeps at most its bound, dropping the oldest entries', async () => {
    const cache = new CredentialCache(60_000, 2);
    for (const h of ['a', 'b', 'c']) await cache.resolve(h, async () => ({ principal: principal(h) }));
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')?.id).toBe('c');
  });
});

describe('sha256Token', () => {
  it('hashes a key exactly as the better-auth api-key plugin stores it', async () => {
    const key = 'sb_exampleKeyWith40CharactersOfRandomness1234';
    const theirs = base64Url.encode(new Uint8Array(await createHash('SHA-256').digest(new TextEncoder().encode(key))), { padding: false });
    expect(sha256Token(key)).toBe(theirs);
  });
});
