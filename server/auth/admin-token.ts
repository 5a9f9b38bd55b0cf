import { randomBytes, timingSafeEqual, createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface AdminToken {
  /** Constant-time comparison against the bootstrap token. */
  matches(candidate: string): boolean;
  /** True when this start generated the token (so it should be printed once). */
  generated: boolean;
  /** Where a generated token is kept; undefined when it came from the environment. */
  file?: string;
  /** The token itself, only when generated now, for the one-time banner. */
  reveal?: string;
}

const digest = (value: string) => createHash('sha256').update(value).digest();

function fromValue(value: string, extra: Partial<AdminToken> = {}): AdminToken {
  const expected = digest(value);
  return { matches: (candidate) => timingSafeEqual(digest(candidate), expected), generated: false, ...extra };
}

/**
 * The bootstrap admin token: from the environment when set; otherwise generated on the first start,
 * kept in DATA_DIR with mode 600, and reused on later starts.
 */
export function loadAdminToken(dataDir: string, fromEnv: string | undefined): AdminToken {
  if (fromEnv) return fromValue(fromEnv);
  const file = path.join(dataDir, 'admin-token');
  if (fs.existsSync(file)) {
    const value = fs.readFileSync(file, 'utf8').trim();
    if (value.length >= 16) return fromValue(value, { file });
  }
  const value = `sb_admin_${randomBytes(24).toString('base64url')}`;
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  fs.writeFileSync(file, `${value}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return fromValue(value, { file, generated: true, reveal: value });
}
