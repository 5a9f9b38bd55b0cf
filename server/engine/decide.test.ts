import { describe, expect, it } from 'vitest';
import { decideNext, type StepView } from './decide';

const model = (index: number, status: string, toolCalls: Array<{ id: string; name: string }> = [], text = ''): StepView => ({
  id: `m${index}`,
  index,
  kind: 'model_call',
  status,
  toolCallId: null,
  output: { text, toolCalls: toolCalls.map((c) => ({ ...c, input: {} })) },
});
const tool = (index: number, id: string, status: string): StepView => ({ id: `t${index}`, index, kind: 'tool_call', status, toolCallId: id, output: null });

describe('decideNext (the executor state machine)', () => {
  it('starts with a model call', () => {
    expect(decideNext([])).toEqual({ type: 'model_call', index: 0 });
  });

  it('re-makes a model call that never finished, in place', () => {
    expect(decideNext([model(0, 'running')])).toEqual({ type: 'model_call', index: 0, reuseStepId: 'm0' });
  });

  it('asks for each requested tool call in order, then calls the model again', () => {
    const calls = [{ id: 'a', name: 'bash' }, { id: 'b', name: 'read_file' }];
    expect(decideNext([model(0, 'succeeded', calls)])).toMatchObject({ type: 'tool_call', index: 1, call: { id: 'a' } });
    expect(decideNext([model(0, 'succeeded', calls), tool(1, 'a', 'succeeded')])).toMatchObject({ type: 'tool_call', index: 2, call: { id: 'b' } });
    expect(decideNext([model(0, 'succeeded', calls), tool(1, 'a', 'succeeded'), tool(2, 'b', 'skipped')])).toEqual({ type: 'model_call', index: 3 });
  });

  it('waits on an approval, runs an approved (pending) step, never re-runs a tool that was running at a crash', () => {
    const calls = [{ id: 'a', name: 'bash' }];
    expect(decideNext([model(0, 'succeeded', calls), tool(1, 'a', 'waiting_approval')])).toMatchObject({ type: 'await_approval', stepId: 't1' });
    expect(decideNext([model(0, 'succeeded', calls), tool(1, 'a', 'pending')])).toMatchObject({ type: 'run_tool', stepId: 't1' });
    expect(decideNext([model(0, 'succeeded', calls), tool(1, 'a', 'running')])).toMatchObject({ type: 'tool_interrupted', stepId: 't1' });
  });

  it('succeeds when the model asks for nothing more, unless input was steered in', () => {
    expect(decideNext([model(0, 'succeeded', [], 'bye')])).toEqual({ type: 'succeed', text: 'bye' });
    const steer: StepView = { id: 'i1', index: 1, kind: 'input', status: 'succeeded', toolCallId: null, output: { text: 'also…' } };
    expect(decideNext([model(0, 'succeeded', [], 'bye'), steer])).toEqual({ type: 'model_call', index: 2 });
    // A steer that landed before the call's step was written, but after its context was read.
    expect(decideNext([{ ...steer, index: 0 }, model(1, 'succeeded', [], 'bye')])).toEqual({ type: 'model_call', index: 2 });
    // Once a call has seen it, it is answered.
    const answering = { ...model(2, 'succeeded', [], 'ok'), output: { text: 'ok', toolCalls: [], inputs: ['i1'] } };
    expect(decideNext([model(0, 'succeeded', [], 'bye'), steer, answering])).toEqual({ type: 'succeed', text: 'ok' });
  });

  it('fails with the model error', () => {
    expect(decideNext([{ ...model(0, 'failed'), output: { text: '', toolCalls: [], error: 'boom' } }])).toEqual({ type: 'fail', error: 'boom' });
  });
});
