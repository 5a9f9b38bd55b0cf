import Link from 'next/link';
import { excerpt } from '@/lib/format';
import type { Run } from '@/lib/types';
import { isActiveRun } from '@/lib/work';
import { StatusBadge } from '@/components/ui/status-badge';
import { workspaceName, type ListParams } from '@/components/work/list-filters';
import { Elapsed, RelativeTime } from '@/components/work/relative-time';

function label(run: Run): string {
  if (run.prompt.trim()) return excerpt(run.prompt, 90);
  if (run.spec_path) return `Spec: ${run.spec_path}`;
  return run.id;
}

interface Props {
  runs: Run[];
  now: number;
  /** Links that narrow the list to a run's workspace, model or origin. */
  hrefWith: (patch: Partial<ListParams>) => string;
  empty: string;
}

/** The runs of a page; on a narrow screen the table scrolls sideways inside its own region. */
export function RunsTable({ runs, now, hrefWith, empty }: Props) {
  if (runs.length === 0) return <p className="muted">{empty}</p>;
  return (
    <div className="table-wrap" role="region" aria-label="Runs table" tabIndex={0}>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Prompt</th>
            <th scope="col">Workspace</th>
            <th scope="col">Model</th>
            <th scope="col">Via</th>
            <th scope="col">Created</th>
            <th scope="col">Took</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <th scope="row" className="break" style={{ minWidth: '14rem' }}>
                <Link href={`/app/runs/${run.id}`}>{label(run)}</Link>
                <div className="muted mono">{run.id}</div>
              </th>
              <td className="mono break">
                <Link href={hrefWith({ workspace: run.workspace_path })} title={`Only runs in ${run.workspace_path}`}>
                  {workspaceName(run.workspace_path)}
                </Link>
              </td>
              <td className="mono">
                <Link href={hrefWith({ model: run.model })} title={`Only runs on ${run.model}`}>
                  {run.model}
                </Link>
              </td>
              <td>
                <Link href={hrefWith({ origin: run.origin })} title={`Only runs that came through ${run.origin}`}>
                  {run.origin}
                </Link>
              </td>
              <td style={{ whiteSpace: 'nowrap' }}>
                <RelativeTime iso={run.created_at} now={now} />
              </td>
              <td style={{ whiteSpace: 'nowrap' }}>
                <Elapsed start={run.started_at} end={run.completed_at} active={isActiveRun(run.status)} now={now} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
