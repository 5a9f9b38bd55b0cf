/**
 * tRPC init and the base procedures. Every procedure is public, authed, or scoped to one scope;
 * REST exposure comes from `meta.route` (read by the oRPC bridge in server/http/rest.ts).
 */
import type { ORPCMeta } from '@orpc/trpc';
import { initTRPC, TRPCError } from '@trpc/server';
import { AppError, ERROR_KINDS } from '@/server/core/shared/errors';
import type { Principal } from '@/server/auth/principal';
import { can } from '@/server/auth/principal';
import type { Scope } from '@/server/auth/scopes';
import { HEARTBEAT_MS } from '@/server/stream/sse';
import type { Context } from './context';

const t = initTRPC
  .context<Context>()
  .meta<ORPCMeta>()
  .create({
    // Subscriptions (SSE) keep the same heartbeat as the dialects' streams, and a client that hears
    // nothing, not even a ping, for two beats reconnects (resuming from its last tracked id).
    sse: { ping: { enabled: true, intervalMs: HEARTBEAT_MS }, client: { reconnectAfterInactivityMs: 2 * HEARTBEAT_MS } },
    errorFormatter({ shape, error }) {
      const app = error.cause instanceof AppError ? error.cause : undefined;
      return {
        ...shape,
        // Internal failures say nothing about internals, on tRPC as on REST.
        message: error.code === 'INTERNAL_SERVER_ERROR' && !app ? 'internal error' : shape.message,
        data: { ...shape.data, stack: undefined, appCode: app?.code ?? null, field: app?.field ?? null },
      };
    },
  });

export const router = t.router;
export const mergeRouters = t.mergeRouters;

/** Application errors become tRPC errors with the matching code, keeping the AppError as cause. */
const appErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok && result.error.cause instanceof AppError) {
    const app = result.error.cause;
    throw new TRPCError({ code: ERROR_KINDS[app.kind].trpc, message: app.message, cause: app });
  }
  return result;
});

export const publicProcedure = t.procedure.use(appErrors);

function authed(allowQueryToken: boolean) {
  return publicProcedure.use(async ({ ctx, next }) => {
    const principal = await ctx.principal({ allowQueryToken });
    if (!principal) throw new AppError('UNAUTHORIZED', 'missing or invalid credentials');
    return next({ ctx: { ...ctx, principal: principal as Principal } });
  });
}

export const authedProcedure = authed(false);

/** For stream endpoints (SSE): browsers' EventSource cannot send headers, so `?access_token=` / `?token=` count too. */
export const streamAuthedProcedure = authed(true);

/** A procedure that needs one scope; a principal without it gets 403 `missing scope: <scope>`. */
export function scopedProcedure(scope: Scope, opts: { stream?: boolean } = {}) {
  return (opts.stream ? streamAuthedProcedure : authedProcedure).use(({ ctx, next }) => {
    if (!can(ctx.principal, scope)) throw new AppError('FORBIDDEN', `missing scope: ${scope}`);
    return next();
  });
}
