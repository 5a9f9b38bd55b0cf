'use client';
import { Fragment } from 'react';
import { formatCost, formatShare, formatTokens } from './format';
import type { OverviewUsage } from './types';
import styles from './overview.module.css';

function level(used: number, limit: number): 'ok' | 'high' | 'full' {
  if (used >= limit) return 'full';
  return used >= limit * 0.8 ? 'high' : 'ok';
}

/** One backend's daily token quota: what is used of it today, as words and as a bar. */
function QuotaBar({ provider, used, limit }: { provider: string; used: number; limit: number }) {
  const label = `${provider} daily token quota`;
  return (
    <div className={styles.quota} data-testid="quota">
      <div className={styles.quotaHead}>
        <strong>{provider}</strong>
        <span>
          {formatTokens(used)} of {formatTokens(limit)} tokens ({formatShare(used, limit)}){used >= limit ? ' — used up: new work on it is refused until midnight UTC' : ''}
        </span>
      </div>
      <div className={styles.bar} role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={limit} aria-valuenow={Math.min(used, limit)} aria-valuetext={`${formatShare(used, limit)} used`}>
        <div className={styles.barFill} data-level={level(used, limit)} style={{ width: `${Math.min(100, limit > 0 ? (used / limit) * 100 : 0)}%` }} />
      </div>
    </div>
  );
}

/** Today's tokens and cost (since midnight UTC) and each backend's quota. */
export function UsageToday({ usage, scope }: { usage: OverviewUsage; scope: 'all' | 'own' }) {
  return (
    <section className="card stack" aria-labelledby="overview-usage-heading" data-testid="overview-usage">
      <div className="page-head">
        <h2 id="overview-usage-heading">Usage today</h2>
        <span className="spacer" />
        <span className="muted">{scope === 'all' ? 'Everyone, since midnight UTC' : 'Your work, since midnight UTC'}</span>
      </div>
      <dl className="facts">
        <dt>Tokens</dt>
        <dd>
          {formatTokens(usage.input_tokens + usage.output_tokens)}{' '}
          <span className="muted">
            ({formatTokens(usage.input_tokens)} in, {formatTokens(usage.output_tokens)} out)
          </span>
        </dd>
        <dt>Cost</dt>
        <dd>{formatCost(usage.cost_usd)}</dd>
        <dt>Model calls</dt>
        <dd>{formatTokens(usage.calls)}</dd>
        {usage.by_provider.map((p) => (
          <Fragment key={p.provider}>
            <dt>{p.provider}</dt>
            <dd>
              {formatTokens(p.tokens)} tokens · {formatCost(p.cost_usd)}
            </dd>
          </Fragment>
        ))}
      </dl>
      <h3>Daily quotas</h3>
      {usage.quotas.length === 0 ? (
        <p className="muted">No backend has a daily token quota.</p>
      ) : (
        <div className="stack-tight">
          {usage.quotas.map((q) => (
            <QuotaBar key={q.provider} {...q} />
          ))}
          {scope === 'own' && <p className="muted">A quota counts everyone&apos;s tokens on that backend.</p>}
        </div>
      )}
    </section>
  );
}
