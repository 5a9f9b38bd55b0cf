/**
 * The `anthropic` backend: the Messages API, `POST {baseUrl}/v1/messages` with `stream: true`.
 * One `call()` is one streamed message.
 *
 * Conversation mapping: assistant tool calls become `tool_use` blocks; tool results become
 * `tool_result` blocks in a user turn. The API wants strictly alternating roles and all results for
 * one assistant turn in the single user turn that follows, so consecutive same-role turns are merged
 * (tool results first, then any user text, which is the order they arrive in anyway).
 *
 * Stream events: `message_start` (input tokens), `content_block_start` (text / tool_use id+name),
 * `content_block_delta` (`text_delta` forwarded at once, `input_json_delta` accumulated),
 * `message_delta` (cumulative output tokens), `message_stop`, and `error`. Tool calls are emitted
 * after the stream ends, as the engine contract asks. Input tokens include prompt-cache reads and
 * writes (we never set cache_control, so they are normally 0), since the engine meters one number.
 */
import { isRecord, num, str } from '../shared/events';
import { postStream, probe, readImageBase64 } from '../shared/http';
import { modelInfo } from '../shared/models';
import { readSse } from '../shared/sse';
import type { Backend, BackendEvent, ModelCallRequest, ModelMessage, ToolSpec } from '../types';

export interface AnthropicConfig {
  /** Default `https://api.anthropic.com` (the `/v1/messages` path is appended). */
  baseUrl?: string;
  apiKey?: string;
  /** Models offered as `anthropic:<model>`; default `['claude-sonnet-4-5']`. */
  models?: string[];
  /** `max_tokens` is required by the API; default 8192. */
  maxTokens?: number;
}

export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';
export const ANTHROPIC_VERSION = '2023-06-01';

type Block = Record<string, unknown>;
interface Turn {
  role: 'user' | 'assistant';
  content: Block[];
}

export async function toAnthropicMessages(messages: ModelMessage[]): Promise<Turn[]> {
  const turns: Turn[] = [];
  const push = (role: Turn['role'], blocks: Block[]) => {
    if (blocks.length === 0) return; // empty content is rejected
    const last = turns[turns.length - 1];
    if (last?.role === role) last.content.push(...blocks);
    else turns.push({ role, content: blocks });
  };
  for (const m of messages) {
    if (m.role === 'user') {
      const blocks: Block[] = [];
      for (const p of m.content) {
        if (p.type === 'text') {
          // Whitespace-only text blocks are rejected by the API.
          if (p.text.trim() !== '') blocks.push({ type: 'text', text: p.text });
        } else {
          blocks.push({ type: 'image', source: { type: 'base64', media_type: p.mimeType, data: await readImageBase64(p) } });
        }
      }
      push('user', blocks);
    } else if (m.role === 'assistant') {
      const blocks: Block[] = [];
      if (m.text.trim() !== '') blocks.push({ type: 'text', text: m.text });
      for (const c of m.toolCalls) {
        // `input` must be an object; anything else (e.g. unparseable arguments from another model) is wrapped.
        blocks.push({ type: 'tool_use', id: c.id, name: c.name, input: isRecord(c.input) ? c.input : { value: c.input ?? null } });
      }
      push('assistant', blocks);
    } else {
      // `content` is optional; an empty string is left out rather than sent as an empty block.
      push('user', [{ type: 'tool_result', tool_use_id: m.toolCallId, ...(m.output !== '' ? { content: m.output } : {}), is_error: m.isError }]);
    }
  }
  return turns;
}

export function toAnthropicTools(tools: ToolSpec[]): unknown[] {
  return tools.map((t) => ({ name: t.name, description: t.description, input_schema: t.inputSchema }));
}

interface OpenBlock {
  type: string;
  id: string;
  name: string;
  json: string;
}

export function createAnthropicBackend(config: AnthropicConfig = {}): Backend {
  const baseUrl = (config.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const apiKey = config.apiKey || undefined;
  const models = config.models?.length ? config.models : ['claude-sonnet-4-5'];
  const maxTokens = config.maxTokens ?? 8192;
  const headers: Record<string, string> = { 'anthropic-version': ANTHROPIC_VERSION, ...(apiKey ? { 'x-api-key': apiKey } : {}) };
  const fail = (message: string): BackendEvent => ({ type: 'error', message: `anthropic: ${message}` });

  async function* call(request: ModelCallRequest): AsyncGenerator<BackendEvent> {
    const { signal } = request;
    if (signal.aborted) return;
    let messages: Turn[];
    try {
      messages = await toAnthropicMessages(request.messages);
    } catch (err) {
      yield fail(`cannot prepare the request: ${(err as Error).message}`);
      return;
    }
    const body: Record<string, unknown> = { model: request.model, max_tokens: maxTokens, messages, stream: true };
    if (request.system) body.system = request.system;
    if (request.tools.length > 0) body.tools = toAnthropicTools(request.tools);

    const posted = await postStream(`${baseUrl}/v1/messages`, headers, body, signal, apiKey);
    if (!posted.ok) {
      if (!posted.aborted) yield fail(posted.message);
      return;
    }

    const blocks = new Map<number, OpenBlock>();
    let inputTokens = 0;
    let outputTokens = 0;
    let stopped = false;
    try {
      for await (const message of readSse(posted.response.body!)) {
        let event: unknown;
        try {
          event = JSON.parse(message.data);
        } catch {
          continue;
        }
        if (!isRecord(event)) continue;
        const type = str(event.type) ?? message.event;
        if (type === 'message_start') {
          const usage = isRecord(event.message) && isRecord(event.message.usage) ? event.message.usage : {};
          inputTokens = inputOf(usage);
          outputTokens = num(usage.output_tokens);
        } else if (type === 'content_block_start') {
          const block = isRecord(event.content_block) ? event.content_block : {};
          const open: OpenBlock = { type: str(block.type) ?? '', id: str(block.id) ?? '', name: str(block.name) ?? '', json: '' };
          blocks.set(num(event.index), open);
          if (open.type === 'text' && typeof block.text === 'string' && block.text !== '') yield { type: 'text_delta', text: block.text };
        } else if (type === 'content_block_delta') {
          const delta = isRecord(event.delta) ? event.delta : {};
          if (delta.type === 'text_delta' && typeof delta.text === 'string' && delta.text !== '') {
            yield { type: 'text_delta', text: delta.text };
          } else if (delta.type === 'input_json_delta' && typeof delta.partial_json === 'string') {
            const open = blocks.get(num(event.index));
            if (open) open.json += delta.partial_json;
          }
          // thinking_delta / signature_delta: not part of the engine's event vocabulary.
        } else if (type === 'message_delta') {
          const usage = isRecord(event.usage) ? event.usage : {};
          // Cumulative counts; newer API versions also restate the input here.
          if (typeof usage.output_tokens === 'number') outputTokens = usage.output_tokens;
          if (typeof usage.input_tokens === 'number') inputTokens = Math.max(inputTokens, inputOf(usage));
        } else if (type === 'message_stop') {
          stopped = true;
          break;
        } else if (type === 'error') {
          const error = isRecord(event.error) ? event.error : {};
          const detail = str(error.message) ?? 'unknown error';
          yield fail(error.type ? `${detail} (${String(error.type)})` : detail);
          return;
        }
        // ping, content_block_stop: nothing to do.
      }
    } catch (err) {
      if (signal.aborted) return;
      yield fail(`stream interrupted: ${(err as Error).message}`);
      return;
    }
    if (signal.aborted) return;
    if (!stopped) {
      yield fail('the stream ended before message_stop');
      return;
    }
    for (const index of [...blocks.keys()].sort((a, b) => a - b)) {
      const block = blocks.get(index)!;
      if (block.type !== 'tool_use') continue;
      yield { type: 'tool_call', call: { id: block.id, name: block.name, input: parseInput(block.json) } };
    }
    yield { type: 'usage', inputTokens, outputTokens };
  }

  return {
    provider: 'anthropic',
    kind: 'api',
    models: () => models.map((m) => modelInfo('anthropic', m, { displayName: `Anthropic ${m}` })),
    call,
    health: () => probe(`${baseUrl}/v1/models`, headers, apiKey),
  };
}

function inputOf(usage: Record<string, unknown>): number {
  return num(usage.input_tokens) + num(usage.cache_creation_input_tokens) + num(usage.cache_read_input_tokens);
}

function parseInput(json: string): unknown {
  if (json.trim() === '') return {};
  try {
    return JSON.parse(json);
  } catch {
    return json;
  }
}
