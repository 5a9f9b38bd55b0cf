/**
 * A per-minute budget of attempts per key (rate-limiter-flexible, memory store, per process): what
 * every rate limit of the server is made of (server/http/rate-limit.ts), and what a use case that
 * limits itself (starting device pairings) charges.
 */
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Principal } from '@/server/auth/principal';
import { AppError } from './errors';

const WINDOW_SECONDS = 60;

export type RateLimitHeaders = Record<string, string>;

function headersFor(points: number, res: RateLimiterRes): RateLimitHeaders {
  return {
    'x-ratelimit-limit': String(points),
    'x-ratelimit-remaining': String(Math.max(0, points - res.consumedPoints)),
    'x-ratelimit-reset': String(Math.ceil((Date.now() + res.msBeforeNext) / 1000)),
  };
}

/** A per-minute budget; `points` 0 means unlimited. Refusals are 429 with `Retry-After`. */
export class Budget {
  private readonly limiter: RateLimiterMemory | undefined;

  constructor(
    readonly points: number,
    private readonly what: string,
  ) {
    this.limiter = points > 0 ? new RateLimiterMemory({ points, duration: WINDOW_SECONDS }) : undefined;
  }

  /** Takes one point for `key`; throws 429 when none is left. Returns the headers describing the budget. */
  async take(key: string): Promise<RateLimitHeaders> {
    if (!this.limiter) return {};
    try {
      return headersFor(this.points, await this.limiter.consume(key));
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      const retryAfter = Math.max(1, Math.ceil(rejection.msBeforeNext / 1000));
      throw new AppError('TOO_MANY_REQUESTS', `too many ${this.what}; retry in ${retryAfter} s`, {
        code: 'TOO_MANY_REQUESTS',
        headers: { ...headersFor(this.points, rejection), 'retry-after': String(retryAfter) },
      });
    }
  }

  refund(key: string): void {
    void this.limiter?.reward(key, 1).catch(() => {});
  }
}

/** The key a principal's budgets are kept under: each credential has its own. */
export function principalKey(principal: Principal): string {
  return `${principal.kind}:${principal.id}`;
}
