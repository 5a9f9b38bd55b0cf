/** The audited actions as the dashboard names them (the server's list is in server/core/audit). */
export const AUDIT_ACTION_LABELS = {
  'key.created': 'Key created',
  'key.revoked': 'Key revoked',
  'auth.signed_in': 'Signed in',
  'auth.signed_out': 'Signed out',
  'auth.registered': 'Registered',
  'session.revoked': 'Session revoked',
  'device.paired': 'Device paired',
  'device.revoked': 'Device revoked',
} as const;
export type AuditActionName = keyof typeof AUDIT_ACTION_LABELS;
export const AUDIT_ACTION_NAMES = Object.keys(AUDIT_ACTION_LABELS) as AuditActionName[];

export function auditActionLabel(action: string): string {
  return (AUDIT_ACTION_LABELS as Record<string, string>)[action] ?? action;
}
