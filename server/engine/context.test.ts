import { describe, expect, it } from 'vitest';
import { buildMessages } from './context';
import type { StepView } from './decide';
import type { WorkItem } from './work-item';

const run = { kind: 'run', id: 'run_1', prompt: 'task', workspacePath: '/w' } as WorkItem;
const input = (id: string, index: number, text: string): StepView => ({ id, index, kind: 'input', status: 'succeeded', toolCallId: null, output: { text } });
const model = (id: string, index: number, text: string, inputs: string[] = [], toolCalls: Array<{ id: string; name: string; input: unknown }> = []): StepView => ({
  id,
  index,
  kind: 'model_call',
  status: 'succeeded',
  toolCallId: null,
  output: { text, toolCalls, inputs },
});

describe('buildMessages', () => {
  it('puts steered input that no call has seen at the end, even when its step number is lower', () => {
    const messages = buildMessages(run, [input('i1', 0, 'steer'), model('m1', 1, 'first')], new Map());
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'user']);
    expect(messages[2]).toMatchObject({ content: [{ text: 'steer' }] });
  });

  it('puts seen input just before the answer of the call that saw it, and never between a tool call and its result', () => {
    const call = { id: 'c1', name: 'bash', input: {} };
    const tool: StepView = { id: 't1', index: 3, kind: 'tool_call', status: 'succeeded', toolCallId: 'c1', output: { output: 'ok', isError: false } };
    const messages = buildMessages(run, [model('m1', 0, 'a', [], [call]), input('i1', 1, 'steer'), tool, model('m2', 4, 'b', ['i1'])], new Map([['t1', 'bash']]));
    expect(messages.map((m) => m.role)).toEqual(['user', 'assistant', 'tool', 'user', 'assistant']);
  });
});
