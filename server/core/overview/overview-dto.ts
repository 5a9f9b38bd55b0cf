/** The overview: what needs the operator now, in one read (server/core/overview/get-overview.ts). */
import { z } from 'zod';
import { approvalDtoSchema } from '@/server/core/approvals/approval-dto';
import { emergencyStateSchema } from '@/server/core/emergency/emergency-dto';
import { isoTime } from '@/server/core/work/dto';
import { RUN_STATUSES, SESSION_STATUSES, TURN_STATUSES } from '@/server/core/work/status';

export const overviewRunSchema = z.object({
  id: z.string(),
  status: z.enum(RUN_STATUSES),
  prompt: z.string(),
  workspace_path: z.string(),
  model_ref: z.string(),
  origin: z.string(),
  owner_id: z.string(),
  created_at: isoTime,
});
export type OverviewRun = z.infer<typeof overviewRunSchema>;

/** A session with a turn in progress, and that turn's status. */
export const overviewSessionSchema = z.object({
  id: z.string(),
  title: z.string().nullable(),
  status: z.enum(SESSION_STATUSES),
  turn_status: z.enum(TURN_STATUSES),
  workspace_path: z.string(),
  model_ref: z.string(),
  origin: z.string(),
  owner_id: z.string(),
  updated_at: isoTime,
});
export type OverviewSession = z.infer<typeof overviewSessionSchema>;

/** A run or a session turn that failed: where, why and when. */
export const overviewFailureSchema = z.object({
  kind: z.enum(['run', 'turn']),
  id: z.string(),
  /** The run's id, or the session's id for a turn: what the dashboard links to. */
  parent_id: z.string(),
  title: z.string(),
  error: z.string().nullable(),
  at: isoTime,
});
export type OverviewFailure = z.infer<typeof overviewFailureSchema>;

export const overviewQuotaSchema = z.object({
  provider: z.string(),
  /** Tokens per UTC day (DAILY_TOKEN_QUOTA). */
  limit: z.number(),
  /** Tokens used today on this backend by everyone: the quota is the server's, so this is what it counts. */
  used: z.number(),
});
export type OverviewQuota = z.infer<typeof overviewQuotaSchema>;

export const overviewBackendSchema = z.object({
  provider: z.string(),
  kind: z.enum(['api', 'cli']),
  models: z.number(),
  /** `checking` while the first probe has not answered yet. */
  availability: z.enum(['available', 'unavailable', 'checking']),
  message: z.string(),
  checked_at: isoTime.nullable(),
});
export type OverviewBackend = z.infer<typeof overviewBackendSchema>;

export const overviewSchema = z.object({
  /** `all` for the admin (every owner), `own` for anyone else. */
  scope: z.enum(['all', 'own']),
  /**
   * The global stream's position this read is consistent with: subscribe to `events.global` with it as
   * `lastEventId` to hear of every change after it.
   */
  stream_position: z.string(),
  emergency: emergencyStateSchema,
  /** Null where the principal lacks the scope to read that part (runs:read, sessions:read, backends:read). */
  approvals: z.object({ pending: z.number(), items: z.array(approvalDtoSchema) }),
  runs: z.object({ active: z.number(), queued: z.number(), running: z.number(), waiting_approval: z.number(), items: z.array(overviewRunSchema) }).nullable(),
  sessions: z.object({ active: z.number(), items: z.array(overviewSessionSchema) }).nullable(),
  failures: z.array(overviewFailureSchema),
  usage_today: z
    .object({
      from: isoTime,
      calls: z.number(),
      input_tokens: z.number(),
      output_tokens: z.number(),
      cost_usd: z.number(),
      by_provider: z.array(z.object({ provider: z.string(), tokens: z.number(), cost_usd: z.number() })),
      quotas: z.array(overviewQuotaSchema),
    })
    .nullable(),
  backends: z.array(overviewBackendSchema).nullable(),
});
export type Overview = z.infer<typeof overviewSchema>;
