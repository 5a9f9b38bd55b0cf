/** The canonical tRPC API: what the dashboard and the TypeScript SDK call. */
import { apiKeysRouter } from './routers/api-keys/router';
import { auditRouter } from './routers/audit/router';
import { authRouter } from './routers/auth/router';
import { systemRouter } from './routers/system/router';
import { approvalsRouter } from './routers/approvals/router';
import { modelsRouter } from './routers/models/router';
import { runsRouter } from './routers/runs/router';
import { sessionsRouter } from './routers/sessions/router';
import { usageRouter } from './routers/usage/router';
import { emergencyRouter } from './routers/emergency/router';
import { eventsRouter } from './routers/events/router';
import { overviewRouter } from './routers/overview/router';
import { router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  apiKeys: apiKeysRouter,
  audit: auditRouter,
  system: systemRouter,
  runs: runsRouter,
  sessions: sessionsRouter,
  approvals: approvalsRouter,
  usage: usageRouter,
  models: modelsRouter,
  emergency: emergencyRouter,
  events: eventsRouter,
  overview: overviewRouter,
});

export type AppRouter = typeof appRouter;
