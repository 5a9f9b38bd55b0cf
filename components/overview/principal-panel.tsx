'use client';
import { usePrincipal } from '@/components/shell/principal-context';
import { ScopeChips } from '@/components/ui/scope-chips';

const KIND_LABELS: Record<string, string> = {
  user: 'User account',
  api_key: 'API key',
  admin: 'Admin token',
  device: 'Paired device',
};

/** Who this session acts as and what it may do. */
export function PrincipalPanel() {
  const principal = usePrincipal();
  return (
    <section className="card stack" aria-labelledby="principal-heading">
      <h2 id="principal-heading">Your access</h2>
      <dl className="facts">
        <dt>Name</dt>
        <dd>{principal.name}</dd>
        {principal.email && (
          <>
            <dt>Email</dt>
            <dd>{principal.email}</dd>
          </>
        )}
        <dt>Credential</dt>
        <dd>{KIND_LABELS[principal.kind] ?? principal.kind}</dd>
        <dt>Role</dt>
        <dd>{principal.role}</dd>
      </dl>
      <h3>Scopes</h3>
      {principal.scopes.length === 0 ? (
        <p className="muted">No scopes: this session can only read its own profile.</p>
      ) : (
        <ScopeChips scopes={principal.scopes} label="Scopes" />
      )}
      {principal.scopes.includes('admin') && <p className="muted">The admin scope includes every other scope.</p>}
    </section>
  );
}
