/** The canonical tRPC API: what the dashboard and the TypeScript SDK call. */
import { accessRouter } from './routers/access/router';
import { apiKeysRouter } from './routers/api-keys/router';
import { auditRouter } from './routers/audit/router';
import { devicesRouter } from './routers/devices/router';
import { authRouter } from './routers/auth/router';
import { systemRouter } from './routers/system/router';
import { approvalsRouter } from './routers/approvals/router';
import { modelsRouter } from './routers/models/router';
import { runsRouter } from './routers/runs/router';
import { sessionsRouter } from './routers/sessions/router';
import { usageRouter } from './routers/usage/router';
import { emergencyRouter } from './routers/emergency/router';
import { eventsRouter } from './routers/events/router';
import { workspacesRouter } from './routers/workspaces/router';
import { overviewRouter } from './routers/overview/router';
import { router } from './trpc';

export const appRouter = router({
  auth: authRouter,
  apiKeys: apiKeysRouter,
  devices: devicesRouter,
  access: accessRouter,
  audit: auditRouter,
  system: systemRouter,
  runs: runsRouter,
  sessions: sessionsRouter,
  approvals: approvalsRouter,
  usage: usageRouter,
  models: modelsRouter,
  emergency: emergencyRouter,
  events: eventsRouter,
  workspaces: workspacesRouter,
  overview: overviewRouter,
});

export type AppRouter = typeof appRouter;
