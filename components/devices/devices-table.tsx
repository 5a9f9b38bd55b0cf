import { formatDateTime } from '@/lib/format';
import type { Device } from '@/lib/types';
import { RelativeTime } from '@/components/ui/relative-time';
import { RenameDevice, RevokeDevice } from './device-actions';
import { ScopeChips } from '@/components/ui/scope-chips';

/** `elix1` and the first hex digits are enough to tell devices apart; the full address is on hover. */
const shortAddress = (address: string) => `${address.slice(0, 13)}…`;

export function DevicesTable({ devices, showOwner }: { devices: Device[]; showOwner: boolean }) {
  if (devices.length === 0) return <p className="muted">No paired devices yet. Start a pairing above.</p>;
  return (
    <div className="table-wrap" role="region" aria-label="Paired devices" tabIndex={0}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Address</th>
            {showOwner && <th scope="col">Owner</th>}
            <th scope="col">Scopes</th>
            <th scope="col">Paired</th>
            <th scope="col">Last seen</th>
            <th scope="col">Status</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {devices.map((device) => (
            <tr key={device.address} data-testid="device-row">
              <th scope="row">{device.name}</th>
              <td>
                <code title={device.address}>{shortAddress(device.address)}</code>
              </td>
              {showOwner && <td>{device.ownerId}</td>}
              <td>
                <ScopeChips scopes={device.permissions} />
              </td>
              <td>
                <RelativeTime value={device.createdAt} />
              </td>
              <td>{device.lastSeenAt ? <RelativeTime value={device.lastSeenAt} /> : <span className="muted">Never</span>}</td>
              <td>
                {device.revoked ? (
                  <span className="badge badge-bad" title={device.revokeReason ?? undefined}>
                    Revoked {device.revokedAt ? formatDateTime(device.revokedAt) : ''}
                  </span>
                ) : (
                  <span className="badge badge-ok">Active</span>
                )}
              </td>
              <td className="actions">
                {!device.revoked && (
                  <>
                    <RenameDevice device={device} />
                    <RevokeDevice device={device} />
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
