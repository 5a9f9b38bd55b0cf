import Link from 'next/link';
import { formatDateTime } from '@/lib/format';
import type { SessionSummary } from '@/lib/types';
import { StatusBadge } from '@/components/ui/status-badge';

export function SessionsTable({ sessions }: { sessions: SessionSummary[] }) {
  if (sessions.length === 0) return <p className="muted">No sessions yet. Create one above.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Session</th>
            <th scope="col">Status</th>
            <th scope="col">Model</th>
            <th scope="col">Workspace</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => (
            <tr key={session.id}>
              <th scope="row" className="break">
                <Link href={`/app/sessions/${session.id}`}>{session.title || session.id}</Link>
                {session.title && <div className="muted mono">{session.id}</div>}
              </th>
              <td>
                <StatusBadge status={session.status} />
              </td>
              <td className="mono">{session.model}</td>
              <td className="mono break">{session.workspace_path}</td>
              <td>{formatDateTime(session.updated_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
