import { formatDateTime } from '@/lib/format';
import type { ApiKey } from '@/lib/types';
import { RevokeKeyButton } from './revoke-key-button';
import { ScopeChips } from '@/components/ui/scope-chips';

/** Only the first characters of a key are stored in the clear; they are enough to recognise it. */
function keyHint(apiKey: ApiKey): string {
  return `${apiKey.start ?? apiKey.prefix}…`;
}

/** When the key stops working; an expired key says so in words, not only in colour. */
function Expiry({ at }: { at: string | null }) {
  if (!at) return <span className="muted">Never</span>;
  if (new Date(at).getTime() <= Date.now()) return <span className="badge badge-bad">Expired {formatDateTime(at)}</span>;
  return <span>{formatDateTime(at)}</span>;
}

export function KeysTable({ keys }: { keys: ApiKey[] }) {
  if (keys.length === 0) return <p className="muted">No API keys yet. Create one above.</p>;
  return (
    <div className="table-wrap" role="region" aria-label="API keys" tabIndex={0}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Key</th>
            <th scope="col">Scopes</th>
            <th scope="col">Created</th>
            <th scope="col">Expires</th>
            <th scope="col">Last used</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {keys.map((apiKey) => (
            <tr key={apiKey.id}>
              <th scope="row">{apiKey.name || <span className="muted">(unnamed)</span>}</th>
              <td>
                <code>{keyHint(apiKey)}</code>
              </td>
              <td>
                <ScopeChips scopes={apiKey.scopes} />
              </td>
              <td>{formatDateTime(apiKey.createdAt)}</td>
              <td>
                <Expiry at={apiKey.expiresAt} />
              </td>
              <td>{formatDateTime(apiKey.lastUsedAt)}</td>
              <td className="actions">
                <RevokeKeyButton apiKey={apiKey} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
