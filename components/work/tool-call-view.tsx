import { toolDiff } from '@/lib/events';
import { compactJson } from '@/lib/format';
import { CollapsibleOutput } from './collapsible-output';
import { DiffView } from './diff-view';
import './timeline.css';

export interface ToolCallInfo {
  toolName?: string;
  /** The one-line summary the engine records (bash: the command). */
  command?: string;
  input?: unknown;
  exitCode?: number | null;
  output?: string;
  isError?: boolean;
  denied?: boolean;
  files?: string[];
  /** "0.4s"; absent while it runs. */
  duration?: string | null;
}

const DIFF_LABELS: Record<string, string> = { write_file: 'Written content', edit_file: 'Edit', apply_patch: 'Patch' };

function bashCommand(info: ToolCallInfo): string | undefined {
  const input = info.input as { command?: unknown } | undefined;
  if (input && typeof input.command === 'string') return input.command;
  return info.toolName === 'bash' ? info.command : undefined;
}

/** One tool call as the run page and the chat both show it: what it ran, how it ended, what it printed or changed. */
export function ToolCallView({ info, name }: { info: ToolCallInfo; name?: string }) {
  const command = bashCommand(info);
  const diff = toolDiff(info.toolName, info.input);
  return (
    <div className="tool-view">
      {command !== undefined ? (
        <pre className="pre tool-command">
          <span aria-hidden="true" className="muted">
            ${' '}
          </span>
          {command}
        </pre>
      ) : diff ? (
        <DiffView lines={diff} label={`${DIFF_LABELS[info.toolName ?? ''] ?? 'Change'}${name ? ` (${name})` : ''}`} />
      ) : info.input !== undefined ? (
        <pre className="pre tool-command">
          {compactJson(info.input, 600)}
        </pre>
      ) : info.command ? (
        <pre className="pre tool-command">
          {info.command}
        </pre>
      ) : null}
      {(info.exitCode !== undefined || info.duration || info.denied || info.files?.length) && (
        <p className="tool-meta">
          {info.exitCode !== undefined && (
            <span className={`badge badge-${info.exitCode === 0 ? 'ok' : 'bad'}`} data-testid="exit-code">
              exit {info.exitCode ?? '?'}
            </span>
          )}
          {info.denied && <span className="badge badge-bad">denied</span>}
          {info.duration && <span className="muted">took {info.duration}</span>}
          {info.files?.length ? <span className="muted break">changed {info.files.join(', ')}</span> : null}
        </p>
      )}
      {info.output !== undefined && <CollapsibleOutput text={info.output} label={info.isError ? 'Error output' : 'Output'} name={name} error={info.isError} />}
    </div>
  );
}
