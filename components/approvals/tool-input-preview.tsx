import { compactJson } from '@/lib/format';
import styles from './approvals.module.css';

function text(input: unknown, key: string): string | undefined {
  if (!input || typeof input !== 'object') return undefined;
  const value = (input as Record<string, unknown>)[key];
  return typeof value === 'string' ? value : undefined;
}

/** A unified diff with added and removed lines marked by colour as well as by their +/- sign. */
function Diff({ diff, label }: { diff: string; label: string }) {
  return (
    <pre className="pre" aria-label={label}>
      {diff.split('\n').map((line, i) => (
        <span key={i} className={line.startsWith('+') && !line.startsWith('+++') ? styles.diffAdd : line.startsWith('-') && !line.startsWith('---') ? styles.diffDel : undefined}>
          {line}
          {'\n'}
        </span>
      ))}
    </pre>
  );
}

/**
 * Exactly what the tool call would do: the command for bash, the diff of a patch or an edit, the
 * content of a write; anything else as its summary and raw input.
 */
export function ToolInputPreview({ toolName, summary, input }: { toolName: string; summary: string; input: unknown }) {
  const path = text(input, 'path');
  if (toolName === 'apply_patch' && text(input, 'patch')) return <Diff diff={text(input, 'patch')!} label="Patch" />;
  if (toolName === 'edit_file' && path && text(input, 'old_string') !== undefined) {
    const diff = [`--- ${path}`, `+++ ${path}`, ...text(input, 'old_string')!.split('\n').map((l) => `-${l}`), ...(text(input, 'new_string') ?? '').split('\n').map((l) => `+${l}`)].join('\n');
    return <Diff diff={diff} label={`Edit of ${path}`} />;
  }
  if (toolName === 'write_file' && path && text(input, 'content') !== undefined) {
    return (
      <div className="stack-tight">
        <span>
          Writes <code>{path}</code>:
        </span>
        <Diff diff={text(input, 'content')!.split('\n').map((l) => `+${l}`).join('\n')} label={`New content of ${path}`} />
      </div>
    );
  }
  const command = text(input, 'command');
  return (
    <div className="stack-tight">
      <pre className="pre">{command ?? summary}</pre>
      {!command && input !== undefined && input !== null && <code className="muted break">{compactJson(input, 400)}</code>}
    </div>
  );
}
