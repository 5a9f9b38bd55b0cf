/**
 * The one key-management module: everything Switchboard keeps encrypted or hashed at rest goes
 * through here. The master key comes from SECRETS_KEY, or is generated on the first start and kept
 * in DATA_DIR with mode 600 (like the admin token). Purpose-bound subkeys are derived from it, so a
 * token hash can never be replayed as a ciphertext key and the other way round.
 */
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface Secrets {
  /** AES-256-GCM; the result is `v1.<iv>.<tag>.<ciphertext>` in base64url, safe to store as text. */
  encrypt(plaintext: string): string;
  /** Reverses encrypt; throws when the value was altered or sealed with another key. */
  decrypt(sealed: string): string;
  /**
   * A keyed hash (HMAC-SHA256, hex) of a bearer token: what the database keeps instead of the token,
   * so a copy of the database (or of its files) opens nothing.
   */
  hashToken(token: string): string;
  /** Constant-time check of a presented token against a stored hash. */
  tokenMatches(token: string, hash: string): boolean;
  /** A signature over a payload (HMAC-SHA256, base64url), for self-contained tickets. */
  sign(payload: string): string;
  /** The secret better-auth signs its cookies and seals its own values with. */
  authSecret: string;
  /** Where a generated master key is kept; undefined when it came from the environment. */
  file?: string;
}

const FORMAT = 'v1';
const KEY_FILE = 'secrets-key';

function subkey(master: Buffer, purpose: string): Buffer {
  return Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `switchboard:${purpose}`, 32));
}

function readOrCreateMasterKey(dataDir: string): { key: Buffer; file: string } {
  const file = path.join(dataDir, KEY_FILE);
  if (fs.existsSync(file)) {
    const key = Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64url');
    if (key.length === 32) return { key, file };
    throw new Error(`${file} does not hold a 32-byte key; restore it or set SECRETS_KEY`);
  }
  const key = randomBytes(32);
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // `wx`: two processes starting at once must not each write their own key.
  try {
    fs.writeFileSync(file, `${key.toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return readOrCreateMasterKey(dataDir);
    throw err;
  }
  fs.chmodSync(file, 0o600);
  return { key, file };
}

/**
 * better-auth's secret: AUTH_SECRET when set; a secret an earlier version generated (kept so existing
 * cookies stay valid); otherwise derived from the master key, so there is one key to guard.
 */
function loadAuthSecret(dataDir: string, fromEnv: string | undefined, master: Buffer): string {
  if (fromEnv) return fromEnv;
  const legacy = path.join(dataDir, 'auth-secret');
  if (fs.existsSync(legacy)) return fs.readFileSync(legacy, 'utf8').trim();
  return subkey(master, 'better-auth').toString('base64url');
}

export function loadSecrets(opts: { dataDir: string; secretsKey?: Buffer; authSecret?: string }): Secrets {
  const generated = opts.secretsKey ? undefined : readOrCreateMasterKey(opts.dataDir);
  const master = opts.secretsKey ?? generated!.key;
  const encryptionKey = subkey(master, 'encrypt');
  const hashKey = subkey(master, 'token-hash');
  const signingKey = subkey(master, 'sign');

  const hashToken = (token: string) => createHmac('sha256', hashKey).update(token).digest('hex');
  return {
    file: generated?.file,
    authSecret: loadAuthSecret(opts.dataDir, opts.authSecret, master),
    hashToken,
    tokenMatches(token, hash) {
      const actual = Buffer.from(hashToken(token), 'hex');
      const expected = Buffer.from(hash, 'hex');
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    },
    sign: (payload) => createHmac('sha256', signingKey).update(payload).digest('base64url'),
    encrypt(plaintext) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', encryptionKey, iv);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [FORMAT, iv.toString('base64url'), cipher.getAuthTag().toString('base64url'), body.toString('base64url')].join('.');
    },
    decrypt(sealed) {
      const [format, iv, tag, body] = sealed.split('.');
      if (format !== FORMAT || !iv || !tag || body === undefined) throw new Error('not a sealed value');
      const decipher = createDecipheriv('aes-256-gcm', encryptionKey, Buffer.from(iv, 'base64url'));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
  };
}
