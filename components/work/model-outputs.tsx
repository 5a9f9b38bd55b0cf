import type { ModelOutput } from '@/lib/events';

/** Text as the model streams it: chunks append, the final answer replaces them when it is complete. */
export function StreamedText({ output }: { output: ModelOutput }) {
  const streaming = !output.done;
  return (
    <div className={`output-text${streaming ? ' cursor' : ''}`} aria-busy={streaming} data-testid="model-output">
      {output.text || (streaming ? '' : <span className="muted">(no text)</span>)}
    </div>
  );
}
