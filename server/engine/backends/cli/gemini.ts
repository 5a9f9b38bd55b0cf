/**
 * The `gemini` backend: Google's Gemini CLI in headless mode, run in the workspace:
 *
 *   gemini --output-format stream-json [-m model] --prompt=<prompt>
 *
 * `--yolo` is deliberately NOT passed: the engine does not bridge the CLI's approval prompts yet, so
 * tools that need approval are refused by the CLI in headless mode (they show up as failed
 * `tool_activity`), while read-only tools work. Gemini has no system-prompt flag, so `system` is
 * prepended to the prompt. The prompt is passed as `--prompt=<text>` (the long form of `-p`) so
 * that a prompt beginning with `-` cannot be mistaken for a flag.
 *
 * stream-json events: `init`; `message` (role `user` echoes the prompt and is skipped; role
 * `assistant` carries text, usually as `delta: true` pieces); `tool_use` (tool_name, tool_id,
 * parameters); `tool_result` (tool_id, status, output or error); `error` (severity warning|error,
 * non-fatal by design, remembered for the error message); `result` (status, error, stats).
 * Token stats are read tolerantly: `input_tokens` / `prompt_tokens` and `output_tokens` /
 * `candidates_tokens` (older builds), in snake or camel case.
 */
import { createAgentCliBackend } from './agent-cli';
import { isRecord, num, str } from '../shared/events';
import type { Backend, BackendEvent, ModelCallRequest, ToolCall } from '../types';
import { buildCliPrompt, parseJsonLine, TextJoiner, type CliConfig } from './common';
import { exitError, type ProcessExit, type StreamParser } from './process';

const LABEL = 'gemini';

export function geminiArgs(request: Pick<ModelCallRequest, 'model' | 'system' | 'messages'>, extraArgs: string[] = []): string[] {
  const args = ['--output-format', 'stream-json'];
  if (request.model && request.model !== 'default') args.push('-m', request.model);
  args.push(...extraArgs, `--prompt=${buildCliPrompt(request.messages, request.system)}`);
  return args;
}

function firstNumber(stats: Record<string, unknown>, keys: string[]): number {
  for (const key of keys) if (typeof stats[key] === 'number') return num(stats[key]);
  return 0;
}

export function createGeminiParser(): StreamParser {
  const text = new TextJoiner();
  const tools = new Map<string, ToolCall>();
  const noise: string[] = [];
  let sawResult = false;

  return {
    line(line) {
      const event = parseJsonLine(line);
      if (!event) {
        if (line.trim()) noise.push(line.trim());
        return [];
      }
      switch (event.type) {
        case 'message': {
          if (event.role !== 'assistant' || typeof event.content !== 'string') return [];
          if (event.delta !== true) text.newBlock();
          const piece = text.text(event.content);
          return piece ? [{ type: 'text_delta', text: piece }] : [];
        }
        case 'tool_use': {
          const call: ToolCall = { id: str(event.tool_id) ?? `tool_${tools.size + 1}`, name: str(event.tool_name) ?? 'unknown', input: event.parameters ?? {} };
          tools.set(call.id, call);
          return [{ type: 'tool_activity', call }];
        }
        case 'tool_result': {
          const id = str(event.tool_id) ?? '';
          const call = tools.get(id) ?? { id, name: 'unknown', input: {} };
          const error = isRecord(event.error) ? str(event.error.message) : undefined;
          text.newBlock();
          return [{ type: 'tool_activity', call, result: { output: str(event.output) ?? error ?? '', isError: event.status === 'error' } }];
        }
        case 'error': {
          const message = str(event.message);
          if (message) noise.push(message);
          return [];
        }
        case 'result': {
          sawResult = true;
          const out: BackendEvent[] = [];
          if (isRecord(event.stats)) {
            const s = event.stats;
            out.push({
              type: 'usage',
              inputTokens: firstNumber(s, ['input_tokens', 'prompt_tokens', 'inputTokens', 'promptTokens']),
              outputTokens: firstNumber(s, ['output_tokens', 'candidates_tokens', 'outputTokens', 'candidatesTokens']),
            });
          }
          if (event.status !== 'success') {
            const error = isRecord(event.error) ? str(event.error.message) : undefined;
            out.push({ type: 'error', message: `${LABEL}: ${error ?? noise.at(-1) ?? `run ended with status ${String(event.status)}`}` });
          }
          return out;
        }
        default:
          return []; // init, user message echo, future events
      }
    },
    end(exit: ProcessExit) {
      return sawResult ? [] : [exitError(LABEL, exit, noise.slice(-5))];
    },
  };
}

export function createGeminiBackend(config: CliConfig): Backend {
  return createAgentCliBackend(
    { provider: 'gemini', displayName: 'Gemini CLI', defaultBin: 'gemini', defaultModels: ['default', 'gemini-2.5-pro', 'gemini-2.5-flash'], args: geminiArgs, parser: createGeminiParser, passEnv: ['GEMINI_API_KEY', 'GOOGLE_API_KEY', 'GOOGLE_CLOUD_PROJECT', 'GOOGLE_CLOUD_LOCATION', 'GOOGLE_GENAI_USE_VERTEXAI', 'GOOGLE_APPLICATION_CREDENTIALS'], stateInHome: ['.gemini'] },
    config,
  );
}
