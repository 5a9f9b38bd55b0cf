'use client';
import { ApiKeysSections } from '@/components/api-keys/api-keys-view';
import { AuditSection } from './audit-section';
import { SessionsSection } from './sessions-section';

/** Who can get in: API keys (with their expiry), the signed-in sessions, and the audit trail of both. */
export function AccessView() {
  return (
    <div className="stack">
      <h1>Access</h1>
      <ApiKeysSections />
      <SessionsSection />
      <AuditSection />
    </div>
  );
}
