import { and, desc, eq, lt } from 'drizzle-orm';
import { z } from 'zod';
import { auditEvent } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import type { Services } from '@/server/services';

export const auditEntrySchema = z.object({
  id: z.string(),
  action: z.string(),
  principal_kind: z.string(),
  principal_id: z.string(),
  owner_id: z.string().nullable(),
  target_kind: z.string().nullable(),
  target_id: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()).nullable(),
  created_at: z.string(),
});
export type AuditEntry = z.infer<typeof auditEntrySchema>;

export interface ListAuditInput {
  limit?: number;
  /** Entries older than this id (ids sort by time): the next page. */
  before?: string;
  /** Only this action (`key.created`, …). */
  action?: string;
  /** Only what this principal id did (a user id, a key id, `admin`). */
  actor?: string;
}

/** Newest first. The admin reads everyone's history; anyone else only their owner's. */
export async function listAudit(deps: Pick<Services, 'db'>, principal: Principal, input: ListAuditInput = {}): Promise<AuditEntry[]> {
  const limit = Math.min(Math.max(input.limit ?? 50, 1), 200);
  const mine = principal.scopes.has('admin') ? undefined : eq(auditEvent.ownerId, principal.ownerId ?? principal.id);
  const older = input.before ? lt(auditEvent.id, input.before) : undefined;
  const action = input.action ? eq(auditEvent.action, input.action) : undefined;
  const actor = input.actor ? eq(auditEvent.principalId, input.actor) : undefined;
  const rows = await deps.db
    .select()
    .from(auditEvent)
    .where(and(mine, older, action, actor))
    .orderBy(desc(auditEvent.id))
    .limit(limit);
  return rows.map((row) => ({
    id: row.id,
    action: row.action,
    principal_kind: row.principalKind,
    principal_id: row.principalId,
    owner_id: row.ownerId,
    target_kind: row.targetKind,
    target_id: row.targetId,
    detail: row.detail ?? null,
    created_at: row.createdAt.toISOString(),
  }));
}
