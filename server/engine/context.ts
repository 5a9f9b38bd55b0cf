/** Rebuilds the conversation a model call sees from stored history and the steps taken so far. */
import path from 'node:path';
import type { MessagePart } from '@/db/schema';
import { isSucceeded, isTerminalStep } from '@/server/core/work/status';
import type { ImagePart, ModelMessage, TextPart, ToolCall } from './backends/types';
import type { ModelOutput, StepView } from './decide';
import type { WorkItem } from './work-item';

function userContent(parts: MessagePart[], workspacePath: string): Array<TextPart | ImagePart> {
  const content: Array<TextPart | ImagePart> = [];
  for (const part of parts) {
    if (part.type === 'text' && part.text) content.push({ type: 'text', text: part.text });
    if (part.type === 'image' && part.ref) {
      content.push({ type: 'image', path: path.resolve(workspacePath, part.ref), workspace: workspacePath, mimeType: part.mime_type ?? 'image/png' });
    }
  }
  return content;
}

function historyMessages(item: WorkItem): ModelMessage[] {
  const out: ModelMessage[] = [];
  for (const m of item.history ?? []) {
    if (m.role === 'user') out.push({ role: 'user', content: userContent(m.parts, item.workspacePath) });
    else if (m.role === 'assistant') {
      const text = m.parts.filter((p) => p.type === 'text').map((p) => p.text ?? '').join('');
      const toolCalls: ToolCall[] = m.parts
        .filter((p) => p.type === 'tool_use')
        .map((p) => ({ id: p.tool_call_id ?? '', name: p.tool_name ?? '', input: p.tool_input ?? {} }));
      out.push({ role: 'assistant', text, toolCalls });
    } else if (m.role === 'tool_result') {
      for (const p of m.parts) {
        out.push({ role: 'tool', toolCallId: p.tool_call_id ?? '', toolName: p.tool_name ?? '', output: p.text ?? '', isError: !!p.is_error });
      }
    }
  }
  return out;
}

export interface ToolStepOutput {
  output: string;
  isError: boolean;
}

export function buildMessages(item: WorkItem, steps: StepView[], toolNames: Map<string, string>): ModelMessage[] {
  const messages: ModelMessage[] = item.kind === 'run' ? [{ role: 'user', content: [{ type: 'text', text: item.prompt ?? '' }] }] : historyMessages(item);
  const ordered = [...steps].sort((a, b) => a.index - b.index);
  const inputText = (step: StepView): ModelMessage => ({ role: 'user', content: [{ type: 'text', text: (step.output as { text?: string } | null)?.text ?? '' }] });
  // Steered input goes where the model first saw it: just before the answer of the call whose
  // context held it, or, if no call has seen it yet, at the very end (never between a tool call and
  // its result, which providers reject).
  const inputs = new Map(ordered.filter((st) => st.kind === 'input').map((st) => [st.id, st]));
  const seen = new Set<string>();
  for (const step of ordered) {
    if (step.kind === 'model_call' && isSucceeded(step.status)) {
      const out = step.output as ModelOutput;
      for (const id of out.inputs ?? []) {
        const input = inputs.get(id);
        if (input && !seen.has(id)) {
          seen.add(id);
          messages.push(inputText(input));
        }
      }
      messages.push({ role: 'assistant', text: out.text, toolCalls: out.toolCalls });
    } else if (step.kind === 'tool_call' && isTerminalStep(step.status)) {
      const out = (step.output as ToolStepOutput | null) ?? { output: 'no result', isError: true };
      messages.push({ role: 'tool', toolCallId: step.toolCallId ?? '', toolName: toolNames.get(step.id) ?? '', output: out.output, isError: out.isError });
    }
  }
  for (const [id, input] of inputs) if (!seen.has(id)) messages.push(inputText(input));
  return messages;
}
