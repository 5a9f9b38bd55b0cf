'use client';
import { useId, useState } from 'react';

const PREVIEW_LINES = 8;

/**
 * A tool's output: the first lines always visible, the rest behind a toggle. Long lines wrap and
 * a very long output scrolls inside its own box, never the page.
 */
export function CollapsibleOutput({ text, label = 'Output', name, error = false }: { text: string; label?: string; name?: string; error?: boolean }) {
  const [open, setOpen] = useState(false);
  const id = useId();
  const all = text.replace(/\n$/, '').split('\n');
  const long = all.length > PREVIEW_LINES;
  const shown = open || !long ? text : all.slice(0, PREVIEW_LINES).join('\n');
  if (text === '') return <p className="muted tool-output-empty">{label}: (empty)</p>;
  return (
    <div className={`tool-output${error ? ' tool-output-error' : ''}`}>
      <div className="tool-output-head">
        <span>
          {label} <span className="muted">({all.length} line{all.length === 1 ? '' : 's'})</span>
        </span>
        {long && (
          <button type="button" className="button button-small" aria-expanded={open} aria-controls={id} onClick={() => setOpen(!open)}>
            {open ? 'Show fewer lines' : `Show all ${all.length} lines`}
          </button>
        )}
      </div>
      <pre id={id} className="pre tool-output-text" tabIndex={0} role="region" aria-label={name ? `${label} of ${name}` : label} data-testid="tool-output">
        {shown}
        {long && !open && <span className="muted">{'\n'}…</span>}
      </pre>
    </div>
  );
}
