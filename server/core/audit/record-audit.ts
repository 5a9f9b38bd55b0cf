import { auditEvent } from '@/db/schema';
import type { Db } from '@/db/client';
import type { Principal } from '@/server/auth/principal';
import { newId } from '@/server/core/shared/ids';

/** What is audited; the dashboard filters and labels by these names. */
export const AUDIT_ACTIONS = ['key.created', 'key.revoked', 'auth.signed_in', 'auth.signed_out', 'auth.registered', 'session.revoked', 'device.paired', 'device.revoked'] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/** Who acted: a resolved principal, or the user a sign-in just identified. */
export type AuditActor = Pick<Principal, 'kind' | 'id' | 'ownerId'>;

export interface AuditTarget {
  kind: string;
  id: string;
  /** A few words of context (the sign-in method, a key's name and scopes); never a secret. */
  detail?: Record<string, unknown>;
}

/**
 * Records one account action. The only writer of the audit table, so every entry names its actor
 * the same way; takes a transaction when the action it records is part of one.
 */
export async function recordAudit(db: Pick<Db, 'insert'>, actor: AuditActor, action: AuditAction, target?: AuditTarget): Promise<void> {
  await db.insert(auditEvent).values({
    id: newId('aud'),
    action,
    principalKind: actor.kind,
    principalId: actor.id,
    ownerId: actor.ownerId ?? null,
    targetKind: target?.kind ?? null,
    targetId: target?.id ?? null,
    detail: target?.detail ?? null,
  });
}
