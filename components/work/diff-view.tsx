import type { DiffLine } from '@/lib/events';

const MARK: Record<DiffLine['kind'], string> = { file: '', hunk: '', add: '+', del: '-', context: ' ' };
const SPOKEN: Record<DiffLine['kind'], string> = { file: 'file ', hunk: '', add: 'added: ', del: 'removed: ', context: '' };

/**
 * A change as a diff: added lines green with `+`, removed lines red with `-` (the sign and a
 * spoken "added"/"removed" carry the meaning, not only the colour).
 */
export function DiffView({ lines, label }: { lines: DiffLine[]; label: string }) {
  const added = lines.filter((l) => l.kind === 'add').length;
  const removed = lines.filter((l) => l.kind === 'del').length;
  return (
    <figure className="diff" data-testid="diff">
      <figcaption className="diff-caption">
        {label} <span className="diff-count-add">+{added}</span> <span className="diff-count-del">−{removed}</span>
      </figcaption>
      <pre className="diff-body" tabIndex={0} role="region" aria-label={`${label}: ${added} lines added, ${removed} removed`}>
        {lines.map((line, i) => (
          <span key={i} className={`diff-line diff-${line.kind}`}>
            <span className="visually-hidden">{SPOKEN[line.kind]}</span>
            <span className="diff-mark" aria-hidden="true">
              {MARK[line.kind]}
            </span>
            {line.text || ' '}
            {'\n'}
          </span>
        ))}
      </pre>
    </figure>
  );
}
