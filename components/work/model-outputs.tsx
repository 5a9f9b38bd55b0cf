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

export function ModelOutputs({ outputs }: { outputs: ModelOutput[] }) {
  if (outputs.length === 0) return <p className="muted">No model output yet.</p>;
  return (
    <div className="stack">
      {outputs.map((output, i) => (
        <div key={output.stepId} className="output-block">
          <h3>
            Model call {i + 1}
            {output.stopped && <span className="muted"> (stopped)</span>}
          </h3>
          <StreamedText output={output} />
          {output.failed && (
            <p className="alert alert-error" role="alert">
              {output.failed}
            </p>
          )}
        </div>
      ))}
    </div>
  );
}
