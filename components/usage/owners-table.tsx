'use client';
import { formatCost, formatTokens, tokensOf, type UsageReport } from './format';

type OwnerRow = NonNullable<UsageReport['by_owner']>[number];

const ownerLabel = (o: OwnerRow) => (o.owner_id === 'admin' ? 'Admin token' : (o.owner_name ?? o.owner_id));

/** Each owner's share of the range (the admin's view only). */
export function OwnersTable({ owners, total }: { owners: OwnerRow[]; total: number }) {
  if (owners.length === 0) return <p className="muted">No owner used a model in this range.</p>;
  return (
    <div className="table-wrap" role="region" aria-label="Usage per owner, scrollable" tabIndex={0}>
      <table className="table" aria-label="Usage per owner">
        <thead>
          <tr>
            <th scope="col">Owner</th>
            <th scope="col" className="num">
              Calls
            </th>
            <th scope="col" className="num">
              Tokens
            </th>
            <th scope="col" className="num">
              Share
            </th>
            <th scope="col" className="num">
              Cost
            </th>
          </tr>
        </thead>
        <tbody>
          {owners.map((o) => (
            <tr key={o.owner_id}>
              <th scope="row" className="break">
                {ownerLabel(o)}
                {o.owner_id !== 'admin' && <div className="muted mono">{o.owner_id}</div>}
              </th>
              <td className="num">{formatTokens(o.calls)}</td>
              <td className="num">
                {formatTokens(tokensOf(o))}
                <div className="muted">
                  {formatTokens(o.input_tokens)} in / {formatTokens(o.output_tokens)} out
                </div>
              </td>
              <td className="num">{total > 0 ? `${Math.round((tokensOf(o) / total) * 100)}%` : '–'}</td>
              <td className="num">{formatCost(o.cost_usd)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
