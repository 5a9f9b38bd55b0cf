/**
 * Verified credentials, remembered for a few seconds so the hot path of an authenticated request
 * does not go to the database each time.
 *
 * What bounds staleness:
 * - every entry lives at most `ttlMs` (and never past the credential's own expiry), so a change the
 *   process is not told about (a key disabled, an owner demoted or removed) is seen within that;
 * - a revocation (a deleted key, a closed session: `announceRevocation`) reaches every process over
 *   the event bus and evicts every entry standing on that credential at once, including a dashboard
 *   session or ticket opened with it;
 * - a lookup that was in flight when a revocation arrived does not store its answer, since it may
 *   have read the row before the revocation committed.
 *
 * One cache per process's event bus (what revocations arrive on), so two servers in one test
 * process keep separate caches, as two processes would.
 */
import { createHash } from 'node:crypto';
import type { EventBus } from '@/server/stream/bus';
import type { Principal } from './principal';

/** How long a verified credential is trusted without asking the database again. */
export const CREDENTIAL_CACHE_TTL_MS = 5_000;
/** Entries kept at most; the oldest go first. Enough for every active client of one process. */
export const CREDENTIAL_CACHE_MAX_ENTRIES = 10_000;

interface Entry {
  principal: Principal;
  validUntil: number;
}

export class CredentialCache {
  private readonly entries = new Map<string, Entry>();
  private generation = 0;

  constructor(
    private readonly ttlMs = CREDENTIAL_CACHE_TTL_MS,
    private readonly maxEntries = CREDENTIAL_CACHE_MAX_ENTRIES,
  ) {}

  get(tokenHash: string, now = Date.now()): Principal | undefined {
    const entry = this.entries.get(tokenHash);
    if (!entry) return undefined;
    if (entry.validUntil > now) return entry.principal;
    this.entries.delete(tokenHash);
    return undefined;
  }

  /**
   * Looks the credential up through `load` unless a live entry answers; remembers a valid answer
   * (never a refusal: a key created a moment later must work at once) unless a revocation arrived
   * meanwhile. `expiresAt` is when the credential itself stops being valid.
   */
  async resolve(tokenHash: string, load: () => Promise<{ principal: Principal; expiresAt?: Date | null } | null>): Promise<Principal | null> {
    const hit = this.get(tokenHash);
    if (hit) return hit;
    const generation = this.generation;
    const found = await load();
    if (!found) return null;
    if (generation === this.generation) this.set(tokenHash, found.principal, found.expiresAt ?? undefined);
    return found.principal;
  }

  private set(tokenHash: string, principal: Principal, expiresAt?: Date): void {
    const now = Date.now();
    const validUntil = Math.min(now + this.ttlMs, expiresAt?.getTime() ?? Number.POSITIVE_INFINITY);
    if (validUntil <= now) return;
    // Every request presenting the token now shares this object: nobody may change it.
    Object.freeze(principal.credentials);
    Object.freeze(principal);
    this.entries.delete(tokenHash);
    this.entries.set(tokenHash, { principal, validUntil });
    // Insertion order is age order: drop the oldest beyond the bound.
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }

  /** Forgets every entry that stands on `credential` (`apikey:<id>`, `session:<id>`, …). */
  revoke(credential: string): void {
    this.generation++;
    for (const [hash, entry] of this.entries) {
      if (entry.principal.credentials.includes(credential)) this.entries.delete(hash);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}

const caches = new WeakMap<EventBus, CredentialCache>();

/** The cache of the process whose revocations arrive on `bus`. */
export function credentialCacheOf(bus: EventBus): CredentialCache {
  let cache = caches.get(bus);
  if (!cache) caches.set(bus, (cache = new CredentialCache()));
  return cache;
}

/**
 * A presented token as the key store keeps it: SHA-256, base64url without padding — exactly
 * better-auth's api-key plugin's default hasher, so the hash finds the stored row. It also keys the
 * cache for every kind of token (the raw token is never kept).
 */
export function sha256Token(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
