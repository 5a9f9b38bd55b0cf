'use client';
import { formatTokens, quotaLevel, type QuotaLevel, type UsageReport } from './format';

const LEVEL_TEXT: Record<QuotaLevel, string> = { ok: '', warn: 'nearly used up', bad: 'used up: new calls are refused until the reset', none: '' };

/** Today's use of each backend's daily token quota (DAILY_TOKEN_QUOTA): a bar and the numbers in words. */
export function QuotaBars({ report }: { report: UsageReport }) {
  const resets = new Date(report.quota_resets_at).toLocaleTimeString('en', { hour: '2-digit', minute: '2-digit', timeZone: 'UTC', hour12: false });
  if (report.quota.length === 0) {
    return <p className="muted">No backend has a daily token quota (DAILY_TOKEN_QUOTA), and none was used today.</p>;
  }
  return (
    <div className="stack-tight">
      <ul className="quota-list" aria-label="Daily token quotas">
        {report.quota.map((q) => {
          const level = quotaLevel(q);
          const percent = q.limit_tokens ? Math.min(100, Math.round((q.used_tokens / q.limit_tokens) * 100)) : 0;
          return (
            <li key={q.provider} className="quota-item" data-level={level} data-testid="quota-item">
              <div className="quota-head">
                <span className="mono quota-name">{q.provider}</span>
                <span className="quota-text">
                  {q.limit_tokens === null ? (
                    <>{formatTokens(q.used_tokens)} tokens today · no daily limit</>
                  ) : (
                    <>
                      {formatTokens(q.used_tokens)} of {formatTokens(q.limit_tokens)} tokens ({percent}%)
                      {LEVEL_TEXT[level] && <span className="quota-level"> · {LEVEL_TEXT[level]}</span>}
                    </>
                  )}
                </span>
              </div>
              {q.limit_tokens !== null && (
                <div className="quota-track" aria-hidden="true">
                  <div className="quota-fill" style={{ width: `${percent}%` }} />
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <p className="muted usage-note">Quotas count every owner&apos;s tokens on the backend and start over at {resets} UTC.</p>
    </div>
  );
}
