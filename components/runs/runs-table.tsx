import Link from 'next/link';
import { excerpt, formatDateTime } from '@/lib/format';
import type { Run } from '@/lib/types';
import { StatusBadge } from '@/components/ui/status-badge';

function label(run: Run): string {
  if (run.prompt.trim()) return excerpt(run.prompt, 90);
  if (run.spec_path) return `Spec: ${run.spec_path}`;
  return run.id;
}

export function RunsTable({ runs }: { runs: Run[] }) {
  if (runs.length === 0) return <p className="muted">No runs yet. Start one above.</p>;
  return (
    <div className="table-wrap">
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Status</th>
            <th scope="col">Prompt</th>
            <th scope="col">Model</th>
            <th scope="col">Created</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td>
                <StatusBadge status={run.status} />
              </td>
              <th scope="row" className="break">
                <Link href={`/app/runs/${run.id}`}>{label(run)}</Link>
                <div className="muted mono">{run.id}</div>
              </th>
              <td className="mono">{run.model}</td>
              <td>{formatDateTime(run.created_at)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
