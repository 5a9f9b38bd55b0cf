/**
 * The `claude-code` backend: Anthropic's Claude Code CLI in print mode, run in the workspace:
 *
 *   claude -p --output-format stream-json --verbose [--model m] [--append-system-prompt s] -- <prompt>
 *
 * (`-p` is a flag and the prompt a positional argument; `--` keeps a prompt starting with `-` from
 * being read as an option.) Claude Code runs its own tool loop with its own permission settings;
 * its tool use is reported as `tool_activity` — once when the tool starts (no result) and again, with
 * the same call id, when its result arrives.
 *
 * stream-json lines: `system/init`; `assistant` messages whose content holds `text` and `tool_use`
 * blocks; `user` messages holding `tool_result` blocks; a final `result` with totals. A `result` with
 * `is_error` or a non-`success` subtype (`error_max_turns`, `error_during_execution`) becomes an
 * `error` event, after its usage. Text from sub-agents (messages with a `parent_tool_use_id`) is not
 * part of the answer and is skipped.
 */
import { createAgentCliBackend } from './agent-cli';
import { isRecord, num, str } from '../shared/events';
import type { Backend, BackendEvent, ModelCallRequest, ToolCall } from '../types';
import { buildCliPrompt, parseJsonLine, TextJoiner, type CliConfig } from './common';
import { exitError, type ProcessExit, type StreamParser } from './process';

const LABEL = 'claude-code';

export function claudeArgs(request: Pick<ModelCallRequest, 'model' | 'system' | 'messages'>, extraArgs: string[] = []): string[] {
  const args = ['-p', '--output-format', 'stream-json', '--verbose'];
  if (request.model && request.model !== 'default') args.push('--model', request.model);
  if (request.system) args.push('--append-system-prompt', request.system);
  args.push(...extraArgs, '--', buildCliPrompt(request.messages));
  return args;
}

/** Text of a tool_result's content: a string, or an array of blocks of which the text ones count. */
function resultText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((block) => (isRecord(block) && typeof block.text === 'string' ? block.text : isRecord(block) && block.type === 'image' ? '[image]' : ''))
      .filter(Boolean)
      .join('\n');
  }
  return content === undefined || content === null ? '' : JSON.stringify(content);
}

export function createClaudeParser(): StreamParser {
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
      const out: BackendEvent[] = [];
      const message = isRecord(event.message) ? event.message : {};
      const content = Array.isArray(message.content) ? message.content : [];
      if (event.type === 'assistant') {
        const fromSubagent = typeof event.parent_tool_use_id === 'string';
        for (const block of content) {
          if (!isRecord(block)) continue;
          if (block.type === 'text' && typeof block.text === 'string' && !fromSubagent) {
            text.newBlock();
            const piece = text.text(block.text);
            if (piece) out.push({ type: 'text_delta', text: piece });
          } else if (block.type === 'tool_use') {
            const call: ToolCall = { id: str(block.id) ?? `tool_${tools.size + 1}`, name: str(block.name) ?? 'unknown', input: block.input ?? {} };
            tools.set(call.id, call);
            out.push({ type: 'tool_activity', call });
          }
        }
      } else if (event.type === 'user') {
        for (const block of content) {
          if (!isRecord(block) || block.type !== 'tool_result') continue;
          const id = str(block.tool_use_id) ?? '';
          const call = tools.get(id) ?? { id, name: 'unknown', input: {} };
          out.push({ type: 'tool_activity', call, result: { output: resultText(block.content), isError: block.is_error === true } });
          text.newBlock();
        }
      } else if (event.type === 'result') {
        sawResult = true;
        const usage = isRecord(event.usage) ? event.usage : undefined;
        const resultString = str(event.result);
        const failed = event.is_error === true || (typeof event.subtype === 'string' && event.subtype !== 'success');
        // The final answer normally arrived already as the last assistant message.
        if (!failed && !text.any && resultString) out.push({ type: 'text_delta', text: text.text(resultString) });
        if (usage) {
          out.push({
            type: 'usage',
            inputTokens: num(usage.input_tokens) + num(usage.cache_creation_input_tokens) + num(usage.cache_read_input_tokens),
            outputTokens: num(usage.output_tokens),
          });
        }
        if (failed) {
          const errors = Array.isArray(event.errors) ? event.errors.filter((e): e is string => typeof e === 'string') : [];
          const detail = resultString || errors.join('; ') || str(event.subtype) || 'failed';
          out.push({ type: 'error', message: `${LABEL}: ${detail}` });
        }
      }
      // system/init and anything newer: nothing to report.
      return out;
    },
    end(exit: ProcessExit) {
      return sawResult ? [] : [exitError(LABEL, exit, noise.slice(-5))];
    },
  };
}

export function createClaudeCodeBackend(config: CliConfig): Backend {
  return createAgentCliBackend(
    { provider: 'claude-code', displayName: 'Claude Code', defaultBin: 'claude', defaultModels: ['default', 'sonnet', 'opus', 'haiku'], args: claudeArgs, parser: createClaudeParser, passEnv: ['ANTHROPIC_API_KEY', 'ANTHROPIC_AUTH_TOKEN', 'ANTHROPIC_BASE_URL', 'CLAUDE_CODE_OAUTH_TOKEN', 'CLAUDE_CONFIG_DIR', 'CLAUDE_CODE_USE_BEDROCK', 'CLAUDE_CODE_USE_VERTEX'], stateInHome: ['.claude', '.claude.json'] },
    config,
  );
}
