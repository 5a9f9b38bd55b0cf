import { statusLabel, statusTone } from '@/lib/work';

/** A run's, turn's, step's or approval's status as a coloured pill (colour is never the only cue: the word is there). */
export function StatusBadge({ status, testId }: { status: string; testId?: string }) {
  return (
    <span className={`badge badge-${statusTone(status)}`} data-testid={testId}>
      {statusLabel(status)}
    </span>
  );
}
