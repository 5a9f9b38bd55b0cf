import { randomBytes } from 'node:crypto';

/**
 * Opaque, prefixed, time-sortable ids: `<prefix>_` + 10 chars of millisecond time + 16 random chars,
 * all in Crockford base32, so ids of one kind sort by creation time as plain strings.
 */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encodeTime(ms: number): string {
  let out = '';
  for (let i = 0; i < 10; i++) {
    out = ALPHABET[ms % 32] + out;
    ms = Math.floor(ms / 32);
  }
  return out;
}

function encodeRandom(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const b of bytes) out += ALPHABET[b % 32];
  return out;
}

export function newId(prefix: string): string {
  return `${prefix}_${encodeTime(Date.now())}${encodeRandom(16)}`;
}
