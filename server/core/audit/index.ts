/** The account audit trail, for transports to call as `audit.<useCase>(deps, principal, input)`. */
export { AUDIT_ACTIONS, recordAudit, type AuditAction, type AuditActor, type AuditTarget } from './record-audit';
export { auditEntrySchema, listAudit, type AuditEntry, type ListAuditInput } from './list-audit';
