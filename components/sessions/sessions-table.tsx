import Link from 'next/link';
import type { SessionSummary } from '@/lib/types';
import { StatusBadge } from '@/components/ui/status-badge';
import { workspaceName, type ListParams } from '@/components/work/list-filters';
import { RelativeTime } from '@/components/work/relative-time';
import { sessionStatusWord } from '@/lib/work';

interface Props {
  sessions: SessionSummary[];
  now: number;
  /** Links that narrow the list to a session's workspace, model or origin. */
  hrefWith: (patch: Partial<ListParams>) => string;
  empty: string;
}

/** The sessions of a page; on a narrow screen the table scrolls sideways inside its own region. */
export function SessionsTable({ sessions, now, hrefWith, empty }: Props) {
  if (sessions.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="table-wrap" role="region" aria-label="Sessions table" tabIndex={0}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Session</th>
            <th scope="col">Status</th>
            <th scope="col">Workspace</th>
            <th scope="col">Model</th>
            <th scope="col">Via</th>
            <th scope="col">Created</th>
            <th scope="col">Last activity</th>
          </tr>
        </thead>
        <tbody>
          {sessions.map((session) => (
            <tr key={session.id}>
              <th scope="row" className="break" style={{ minWidth: '12rem' }}>
                <Link href={`/app/sessions/${session.id}`}>{session.title || session.id}</Link>
                {session.title && <div className="muted mono">{session.id}</div>}
              </th>
              <td>
                <StatusBadge status={sessionStatusWord(session)} />
              </td>
              <td className="mono break">
                <Link href={hrefWith({ workspace: session.workspace_path })} title={`Only sessions in ${session.workspace_path}`}>
                  {workspaceName(session.workspace_path)}
                </Link>
              </td>
              <td className="mono">
                <Link href={hrefWith({ model: session.model })} title={`Only sessions on ${session.model}`}>
                  {session.model}
                </Link>
              </td>
              <td>
                <Link href={hrefWith({ origin: session.origin })} title={`Only sessions that came through ${session.origin}`}>
                  {session.origin}
                </Link>
              </td>
              <td style={{ whiteSpace: 'nowrap' }}>
                <RelativeTime iso={session.created_at} now={now} />
              </td>
              <td style={{ whiteSpace: 'nowrap' }}>
                <RelativeTime iso={session.updated_at} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
