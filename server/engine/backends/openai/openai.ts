/**
 * The `openai` backend: any OpenAI-compatible Chat Completions endpoint (OpenAI itself, Ollama,
 * vLLM, LM Studio, llama.cpp server, …). One `call()` is one streamed completion:
 * `POST {baseUrl}/chat/completions` with `stream: true` and `stream_options.include_usage`.
 *
 * Text deltas are forwarded as they arrive; tool calls arrive as fragments keyed by
 * `delta.tool_calls[].index` (id and name first, the JSON arguments in pieces) and are emitted,
 * complete, after the stream ends. Arguments that are not valid JSON are passed on as the raw string
 * so the engine's input validation reports it back to the model instead of the call failing.
 *
 * Usage comes from the final usage chunk; servers that ignore `include_usage` get a ceil(chars/4)
 * estimate so metering always has numbers.
 */
import { conversationChars, estimateTokens, isRecord, num, str } from '../shared/events';
import { postStream, probe, readImageBase64 } from '../shared/http';
import { modelInfo } from '../shared/models';
import { readSse } from '../shared/sse';
import type { Backend, BackendEvent, ModelCallRequest, ModelMessage, ToolSpec } from '../types';

export interface OpenAIConfig {
  /** Default `https://api.openai.com/v1`; e.g. `http://127.0.0.1:11434/v1` for Ollama. */
  baseUrl?: string;
  apiKey?: string;
  /** Models offered as `openai:<model>`; default `['gpt-4o-mini']`. */
  models?: string[];
}

export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

type ChatMessage = Record<string, unknown>;

/** Maps the engine's conversation to Chat Completions messages (images inlined as data URLs). */
export async function toChatMessages(system: string | undefined, messages: ModelMessage[]): Promise<ChatMessage[]> {
  const out: ChatMessage[] = [];
  if (system) out.push({ role: 'system', content: system });
  for (const m of messages) {
    if (m.role === 'user') {
      if (m.content.every((p) => p.type === 'text')) {
        out.push({ role: 'user', content: m.content.map((p) => (p.type === 'text' ? p.text : '')).join('\n') });
        continue;
      }
      const parts: unknown[] = [];
      for (const p of m.content) {
        if (p.type === 'text') parts.push({ type: 'text', text: p.text });
        else parts.push({ type: 'image_url', image_url: { url: `data:${p.mimeType};base64,${await readImageBase64(p)}` } });
      }
      out.push({ role: 'user', content: parts });
    } else if (m.role === 'assistant') {
      const message: ChatMessage = { role: 'assistant', content: m.text === '' && m.toolCalls.length > 0 ? null : m.text };
      // An empty `tool_calls` array is rejected by OpenAI, so the field is only sent when there are calls.
      if (m.toolCalls.length > 0) {
        message.tool_calls = m.toolCalls.map((c) => ({
          id: c.id,
          type: 'function',
          function: { name: c.name, arguments: typeof c.input === 'string' ? c.input : JSON.stringify(c.input ?? {}) },
        }));
      }
      out.push(message);
    } else {
      // Chat Completions has no error flag on tool results; say so in the content.
      out.push({ role: 'tool', tool_call_id: m.toolCallId, content: m.isError ? `Error: ${m.output}` : m.output });
    }
  }
  return out;
}

export function toChatTools(tools: ToolSpec[]): unknown[] {
  return tools.map((t) => ({ type: 'function', function: { name: t.name, description: t.description, parameters: t.inputSchema } }));
}

interface PartialToolCall {
  id: string;
  name: string;
  args: string;
}

export function createOpenAIBackend(config: OpenAIConfig = {}): Backend {
  const baseUrl = (config.baseUrl ?? OPENAI_DEFAULT_BASE_URL).replace(/\/+$/, '');
  const apiKey = config.apiKey || undefined;
  const models = config.models?.length ? config.models : ['gpt-4o-mini'];
  const authHeaders: Record<string, string> = apiKey ? { authorization: `Bearer ${apiKey}` } : {};
  const fail = (message: string): BackendEvent => ({ type: 'error', message: `openai: ${message}` });

  async function* call(request: ModelCallRequest): AsyncGenerator<BackendEvent> {
    const { signal } = request;
    if (signal.aborted) return;
    let messages: ChatMessage[];
    try {
      messages = await toChatMessages(request.system, request.messages);
    } catch (err) {
      yield fail(`cannot prepare the request: ${(err as Error).message}`);
      return;
    }
    const body: Record<string, unknown> = {
      model: request.model,
      messages,
      stream: true,
      stream_options: { include_usage: true },
    };
    // Some compatible servers reject an empty tools array; omit it instead.
    if (request.tools.length > 0) body.tools = toChatTools(request.tools);

    const posted = await postStream(`${baseUrl}/chat/completions`, authHeaders, body, signal, apiKey);
    if (!posted.ok) {
      if (!posted.aborted) yield fail(posted.message);
      return;
    }

    const calls = new Map<number, PartialToolCall>();
    let usage: { inputTokens: number; outputTokens: number } | undefined;
    let finished = false;
    let outputChars = 0;
    try {
      for await (const message of readSse(posted.response.body!)) {
        if (message.data === '[DONE]') {
          finished = true;
          break;
        }
        let chunk: unknown;
        try {
          chunk = JSON.parse(message.data);
        } catch {
          continue; // keep-alives and other non-JSON noise
        }
        if (!isRecord(chunk)) continue;
        // vLLM, OpenRouter and others report mid-stream failures as an `error` object.
        if (chunk.error !== undefined && chunk.error !== null) {
          const error = chunk.error;
          yield fail(isRecord(error) ? (str(error.message) ?? JSON.stringify(error)) : String(error));
          return;
        }
        if (isRecord(chunk.usage)) {
          usage = { inputTokens: num(chunk.usage.prompt_tokens), outputTokens: num(chunk.usage.completion_tokens) };
        }
        const choices = Array.isArray(chunk.choices) ? chunk.choices : [];
        for (const choice of choices) {
          if (!isRecord(choice) || num(choice.index) !== 0) continue;
          if (typeof choice.finish_reason === 'string') finished = true;
          const delta = isRecord(choice.delta) ? choice.delta : {};
          if (typeof delta.content === 'string' && delta.content !== '') {
            outputChars += delta.content.length;
            yield { type: 'text_delta', text: delta.content };
          }
          if (Array.isArray(delta.tool_calls)) {
            for (const [position, fragment] of delta.tool_calls.entries()) {
              if (!isRecord(fragment)) continue;
              // `index` is the key; servers that omit it (older Ollama) send whole calls, one per entry.
              const index = typeof fragment.index === 'number' ? fragment.index : calls.size + position;
              const fn = isRecord(fragment.function) ? fragment.function : {};
              const entry = calls.get(index) ?? { id: '', name: '', args: '' };
              if (typeof fragment.id === 'string' && fragment.id) entry.id = fragment.id;
              if (typeof fn.name === 'string') entry.name += fn.name;
              if (typeof fn.arguments === 'string') entry.args += fn.arguments;
              else if (isRecord(fn.arguments)) entry.args += JSON.stringify(fn.arguments);
              calls.set(index, entry);
            }
          }
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      yield fail(`stream interrupted: ${(err as Error).message}`);
      return;
    }
    if (signal.aborted) return;
    // Neither [DONE] nor a finish_reason: the connection dropped mid-answer.
    if (!finished) {
      yield fail('the stream ended before the completion finished');
      return;
    }

    for (const index of [...calls.keys()].sort((a, b) => a - b)) {
      const c = calls.get(index)!;
      outputChars += c.name.length + c.args.length;
      yield { type: 'tool_call', call: { id: c.id || `call_${index}`, name: c.name, input: parseArguments(c.args) } };
    }
    yield {
      type: 'usage',
      ...(usage ?? {
        inputTokens: estimateTokens(conversationChars(request.system, request.messages)),
        outputTokens: estimateTokens(outputChars),
      }),
    };
  }

  return {
    provider: 'openai',
    kind: 'api',
    models: () => models.map((m) => modelInfo('openai', m, { displayName: `OpenAI ${m}` })),
    call,
    health: () => probe(`${baseUrl}/models`, authHeaders, apiKey),
  };
}

function parseArguments(args: string): unknown {
  if (args.trim() === '') return {};
  try {
    return JSON.parse(args);
  } catch {
    return args;
  }
}
