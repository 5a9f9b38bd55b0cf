/**
 * Every rate limit of the server, in one place (rate-limiter-flexible, memory store).
 *
 * - A request budget per minute: per principal for authenticated requests (each API key, user,
 *   device and the admin token has its own), per client IP for the rest, so one principal spending
 *   its budget never slows another.
 * - Sign-in endpoints (password log-in and registration in every dialect, better-auth's own
 *   sign-in/sign-up routes, the dashboard's token sign-in): each attempt is charged before it runs
 *   — per IP, and per account when the body names one — and refunded once it succeeds, so what
 *   accumulates is failures. Charging first means parallel guesses cannot slip past the count.
 *
 * The store is per process: each process of a scale-out set keeps its own counts, so a client
 * spreading requests over N processes gets up to N budgets. That bounds brute force within a small
 * factor without a shared table on the hot path.
 *
 * Refusals are 429 with `Retry-After` (seconds) and `X-RateLimit-Limit|Remaining|Reset` (Reset in
 * Unix seconds, as GitHub documents it); allowed requests carry the same three headers.
 */
import type { RateLimits } from '@/server/env';
import { Budget, principalKey, type RateLimitHeaders } from '@/server/core/shared/rate-budget';
import type { Principal } from '@/server/auth/principal';

export { principalKey, type RateLimitHeaders };

export type SignInKind = 'password' | 'register' | 'token' | 'pairing';

export interface SignInAttempt {
  kind: SignInKind;
  /** The email or username the attempt is for, when the body names one. */
  account?: string;
}

export interface SignInCharge {
  headers: RateLimitHeaders;
  /** Call with the response status once known: a success is refunded, a failure stays counted. */
  settle(status: number): void;
}

export interface RateLimiter {
  /** Charges one request; throws 429 when the principal's (or the anonymous IP's) budget is spent. */
  chargeRequest(principal: Principal | null, ip: string): Promise<RateLimitHeaders>;
  /** Charges a sign-in attempt before it runs; throws 429 when the IP or the account is out of attempts. */
  chargeSignIn(attempt: SignInAttempt, ip: string): Promise<SignInCharge>;
}

export function createRateLimiter(limits: RateLimits): RateLimiter {
  const perPrincipal = new Budget(limits.perPrincipal, 'requests for this credential');
  const anonymousPerIp = new Budget(limits.anonymousPerIp, 'unauthenticated requests from this address');
  const signInPerIp = new Budget(limits.signInAttemptsPerIp, 'sign-in attempts from this address');
  const signInPerAccount = new Budget(limits.signInFailuresPerAccount, 'failed sign-ins for this account');

  return {
    chargeRequest(principal, ip) {
      return principal ? perPrincipal.take(principalKey(principal)) : anonymousPerIp.take(ip);
    },

    async chargeSignIn(attempt, ip) {
      const headers = await signInPerIp.take(ip);
      const account = attempt.account?.trim().toLowerCase();
      if (account) {
        try {
          Object.assign(headers, await signInPerAccount.take(account));
        } catch (err) {
          // Refused without trying: what the IP spent on it is not a failed guess.
          signInPerIp.refund(ip);
          throw err;
        }
      }
      return {
        headers,
        settle(status) {
          const succeeded = status < 400 || status >= 500;
          if (!succeeded) return;
          // Each new account costs a row and a password hash, so registrations stay counted per IP.
          if (attempt.kind !== 'register' || status >= 500) signInPerIp.refund(ip);
          if (account) signInPerAccount.refund(account);
        },
      };
    },
  };
}

const SIGN_IN_PATHS: ReadonlyArray<readonly [RegExp, SignInKind]> = [
  [/^\/api\/auth\/login$/, 'password'],
  [/^\/api\/auth\/sign-in\//, 'password'],
  [/^\/api\/auth\/register$/, 'register'],
  [/^\/api\/auth\/sign-up\//, 'register'],
  // Completing a pairing proves possession of a pair code: failed tries count like failed sign-ins.
  [/^\/api\/v3\/pair\/complete$/, 'pairing'],
];

const TOKEN_SIGN_IN_PROCEDURES = new Set(['auth.signInWithToken']);

/**
 * Which kind of sign-in a request is, if any: at the root or under a dialect's base path
 * (`/everruns/api/auth/login`), better-auth's own routes, and tRPC batches that include the token
 * sign-in.
 */
export function signInKindOf(method: string, pathname: string, dialects: readonly string[]): SignInKind | undefined {
  if (method !== 'POST') return undefined;
  const trpc = /^\/api\/trpc\/([^/]+)$/.exec(pathname);
  if (trpc) return trpc[1]!.split(',').some((name) => TOKEN_SIGN_IN_PROCEDURES.has(name)) ? 'token' : undefined;
  const first = pathname.split('/')[1] ?? '';
  const path = dialects.includes(first) ? pathname.slice(first.length + 1) : pathname;
  return SIGN_IN_PATHS.find(([pattern]) => pattern.test(path))?.[1];
}

/** The email or username a sign-in body names (JSON or a urlencoded form); undefined if none. */
export function accountNamedBy(body: Buffer, contentType: string | undefined): string | undefined {
  let fields: Record<string, unknown> = {};
  try {
    if (contentType?.includes('application/x-www-form-urlencoded')) {
      fields = Object.fromEntries(new URLSearchParams(body.toString('utf8')));
    } else {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (parsed && typeof parsed === 'object') fields = parsed as Record<string, unknown>;
    }
  } catch {
    return undefined; // The endpoint itself answers the malformed body.
  }
  const account = fields.email ?? fields.username;
  return typeof account === 'string' && account.trim() ? account : undefined;
}
