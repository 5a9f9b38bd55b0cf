/**
 * The `scripted` backend (`scripted:default`): a deterministic stand-in for a model, for tests,
 * demos and offline use. It costs nothing and needs no network.
 *
 * It reads directive lines from the LATEST user message (all its text parts, joined by newlines):
 *
 *   ::say <text>                    stream <text> as several text_delta events (split at words)
 *   ::tool <name> <json>            ask the engine to run tool <name> with input <json> (default {})
 *   ::sleep <ms>                    wait; ends at once, silently, if the call is aborted
 *   ::fail <message>                emit an `error` event and stop
 *   ::usage <input> <output>        emit a `usage` event with these token counts
 *
 * Leading whitespace before `::` is allowed. When the message holds at least one directive, every
 * other line is ignored; when it holds none, the reply is `echo: <text>` (streamed).
 *
 * One `call()` is one model call, and the engine calls again after running the tools it was asked
 * for, so the script is cut into segments that each END at a `::tool`:
 *
 *   ::say A                         segment 0: say A, tool bash     (call 0)
 *   ::tool bash {"command":"ls"}
 *   ::say B                         segment 1: say B                (call 1)
 *
 * Call N (N = the number of assistant messages after the latest user message) runs segment N; calls
 * beyond the last segment say nothing. Consecutive `::say`s within one call are separated by a newline.
 * Tool call ids are `call_<k>`, k counting every tool call in the conversation so far (1-based), so
 * they are stable across reruns and unique within a conversation.
 *
 * Every call reports usage: the segment's `::usage` if it has one, else an estimate of ceil(chars/4)
 * for input (system prompt + conversation) and output (text said + tool inputs).
 *
 * Malformed directives (`::sleep soon`, `::tool bash {oops`) are reported as an `error` event naming
 * the line when their segment runs, so a broken script fails loudly rather than doing something else.
 */
import { conversationChars, estimateTokens, latestUserIndex, sleep, userText } from '../shared/events';
import { modelInfo } from '../shared/models';
import type { Backend, BackendEvent, ModelCallRequest, ModelInfo } from '../types';

export type Directive =
  | { kind: 'say'; text: string }
  | { kind: 'tool'; name: string; input: unknown }
  | { kind: 'sleep'; ms: number }
  | { kind: 'fail'; message: string }
  | { kind: 'usage'; inputTokens: number; outputTokens: number }
  /** A directive line that could not be parsed; running it fails the call. */
  | { kind: 'invalid'; message: string };

const DIRECTIVE = /^\s*::(say|tool|sleep|fail|usage)(?:[ \t]+(.*))?\s*$/;

/** Parses the directive lines of a message; `[]` means "no directives, echo instead". */
export function parseScript(text: string): Directive[] {
  const directives: Directive[] = [];
  text.split(/\r\n|\r|\n/).forEach((line, index) => {
    const match = DIRECTIVE.exec(line);
    if (!match) return;
    const name = match[1];
    const arg = (match[2] ?? '').trim();
    const bad = (why: string): Directive => ({ kind: 'invalid', message: `scripted: line ${index + 1} (${line.trim()}): ${why}` });
    switch (name) {
      case 'say':
        directives.push({ kind: 'say', text: match[2] ?? '' });
        break;
      case 'fail':
        directives.push({ kind: 'fail', message: arg || 'scripted failure' });
        break;
      case 'sleep': {
        const ms = Number(arg);
        directives.push(arg !== '' && Number.isFinite(ms) && ms >= 0 ? { kind: 'sleep', ms } : bad('expected a number of milliseconds'));
        break;
      }
      case 'usage': {
        const parts = arg.split(/\s+/).map(Number);
        const [input, output] = parts;
        const ok = parts.length === 2 && parts.every((n) => Number.isInteger(n) && n >= 0);
        directives.push(ok ? { kind: 'usage', inputTokens: input!, outputTokens: output! } : bad('expected two token counts'));
        break;
      }
      case 'tool': {
        const space = arg.search(/\s/);
        const toolName = space === -1 ? arg : arg.slice(0, space);
        const json = space === -1 ? '' : arg.slice(space).trim();
        if (!toolName) {
          directives.push(bad('expected a tool name'));
          break;
        }
        try {
          directives.push({ kind: 'tool', name: toolName, input: json ? JSON.parse(json) : {} });
        } catch (err) {
          // Still a tool directive for segmenting purposes; running it reports the bad JSON.
          directives.push(bad(`invalid JSON input: ${(err as Error).message}`));
          directives.push({ kind: 'tool', name: toolName, input: undefined });
        }
        break;
      }
    }
  });
  return directives;
}

/** Cuts a script into per-call segments, each ending at (and including) a `::tool`. */
export function splitSegments(directives: Directive[]): Directive[][] {
  const segments: Directive[][] = [[]];
  for (const d of directives) {
    segments[segments.length - 1]!.push(d);
    if (d.kind === 'tool') segments.push([]);
  }
  return segments;
}

/**
 * Splits text into streaming chunks at word boundaries (each word keeps its trailing whitespace),
 * falling back to three character slices for short text so clients always see several deltas.
 */
export function chunkText(text: string): string[] {
  if (text === '') return [];
  const words = text.split(/(?<=\s)(?=\S)/);
  if (words.length >= 3) return words;
  const size = Math.ceil(text.length / 3);
  const chunks: string[] = [];
  for (let i = 0; i < text.length; i += size) chunks.push(text.slice(i, i + size));
  return chunks;
}

export interface ScriptedConfig {
  /** Pause between streamed chunks, to make demos look like a real model. Default 0. */
  chunkDelayMs?: number;
}

export function createScriptedBackend(config: ScriptedConfig = {}): Backend {
  const chunkDelayMs = config.chunkDelayMs ?? 0;
  const info: ModelInfo = modelInfo('scripted', 'default', {
    displayName: 'Scripted (deterministic)',
    tools: true,
    vision: true,
    pricing: { inputPerMTok: 0, outputPerMTok: 0 },
  });

  async function* call(request: ModelCallRequest): AsyncGenerator<BackendEvent> {
    const { messages, signal } = request;
    if (signal.aborted) return;
    const userIndex = latestUserIndex(messages);
    const latest = messages[userIndex];
    const text = latest?.role === 'user' ? userText(latest) : '';
    const directives = parseScript(text);
    const segment: Directive[] =
      directives.length === 0
        ? [{ kind: 'say', text: `echo: ${text}` }]
        : (splitSegments(directives)[messages.slice(userIndex + 1).filter((m) => m.role === 'assistant').length] ?? []);

    let toolCallsSoFar = 0;
    for (const m of messages) if (m.role === 'assistant') toolCallsSoFar += m.toolCalls.length;

    let outputChars = 0;
    let saidSomething = false;
    let reportedUsage = false;

    for (const directive of segment) {
      if (signal.aborted) return;
      switch (directive.kind) {
        case 'say': {
          const chunks = chunkText(saidSomething && directive.text !== '' ? `\n${directive.text}` : directive.text);
          for (const [i, chunk] of chunks.entries()) {
            // Yield to the event loop between chunks so they reach clients as separate writes.
            if (i > 0 && !(chunkDelayMs > 0 ? await sleep(chunkDelayMs, signal) : await nextTick(signal))) return;
            outputChars += chunk.length;
            yield { type: 'text_delta', text: chunk };
          }
          if (chunks.length > 0) saidSomething = true;
          break;
        }
        case 'tool': {
          toolCallsSoFar += 1;
          outputChars += directive.name.length + JSON.stringify(directive.input ?? {}).length;
          yield { type: 'tool_call', call: { id: `call_${toolCallsSoFar}`, name: directive.name, input: directive.input } };
          break;
        }
        case 'sleep':
          if (!(await sleep(directive.ms, signal))) return;
          break;
        case 'usage':
          reportedUsage = true;
          yield { type: 'usage', inputTokens: directive.inputTokens, outputTokens: directive.outputTokens };
          break;
        case 'fail':
          yield { type: 'error', message: directive.message };
          return;
        case 'invalid':
          yield { type: 'error', message: directive.message };
          return;
      }
    }
    if (signal.aborted) return;
    if (!reportedUsage) {
      yield {
        type: 'usage',
        inputTokens: estimateTokens(conversationChars(request.system, messages)),
        outputTokens: estimateTokens(outputChars),
      };
    }
  }

  return {
    provider: 'scripted',
    kind: 'api',
    models: () => [{ ...info, capabilities: { ...info.capabilities }, pricing: { ...info.pricing } }],
    call,
    health: async () => ({ ok: true, message: 'built in' }),
  };
}

function nextTick(signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => setImmediate(() => resolve(!signal.aborted)));
}
