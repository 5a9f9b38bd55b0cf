import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSecrets } from './secrets';

const tempDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-secrets-'));

describe('loadSecrets', () => {
  it('generates a master key under DATA_DIR with mode 600 and reuses it on the next start', () => {
    const dir = tempDir();
    const first = loadSecrets({ dataDir: dir });
    expect(fs.statSync(path.join(dir, 'secrets-key')).mode & 0o777).toBe(0o600);
    const second = loadSecrets({ dataDir: dir });
    expect(second.decrypt(first.encrypt('provider key'))).toBe('provider key');
    expect(second.hashToken('t')).toBe(first.hashToken('t'));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('uses SECRETS_KEY when given and writes no key file', () => {
    const dir = tempDir();
    const secrets = loadSecrets({ dataDir: dir, secretsKey: Buffer.alloc(32, 1) });
    expect(fs.existsSync(path.join(dir, 'secrets-key'))).toBe(false);
    expect(loadSecrets({ dataDir: tempDir(), secretsKey: Buffer.alloc(32, 1) }).decrypt(secrets.encrypt('x'))).toBe('x');
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('encrypts with a fresh nonce each time and refuses altered or foreign ciphertext', () => {
    const secrets = loadSecrets({ dataDir: tempDir(), secretsKey: Buffer.alloc(32, 2) });
    const a = secrets.encrypt('sk-live-123');
    expect(a).not.toContain('sk-live-123');
    expect(secrets.encrypt('sk-live-123')).not.toBe(a);
    const parts = a.split('.');
    const tampered = [...parts.slice(0, 3), Buffer.from('sk-live-124').toString('base64url')].join('.');
    expect(() => secrets.decrypt(tampered)).toThrow();
    const other = loadSecrets({ dataDir: tempDir(), secretsKey: Buffer.alloc(32, 3) });
    expect(() => other.decrypt(a)).toThrow();
    expect(() => secrets.decrypt('plain text')).toThrow(/not a sealed value/);
  });

  it('hashes tokens with a key: the hash is stable, not the token, and differs under another key', () => {
    const secrets = loadSecrets({ dataDir: tempDir(), secretsKey: Buffer.alloc(32, 4) });
    const hash = secrets.hashToken('session-token');
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(secrets.tokenMatches('session-token', hash)).toBe(true);
    expect(secrets.tokenMatches('session-tokem', hash)).toBe(false);
    expect(loadSecrets({ dataDir: tempDir(), secretsKey: Buffer.alloc(32, 5) }).hashToken('session-token')).not.toBe(hash);
  });
});
