/**
 * The `codex` backend: OpenAI's Codex CLI, non-interactive, run in the workspace:
 *
 *   codex exec --json --skip-git-repo-check [--model m] -- <prompt>
 *
 * (`--skip-git-repo-check` because workspaces need not be git repositories.) Codex picks its sandbox
 * and approval policy from its own config; `codex exec` never asks for approval, and with no flags
 * its sandbox is read-only — pass e.g. `extraArgs: ['--sandbox', 'workspace-write']` (or
 * `['--full-auto']`) to let it edit files. Codex has no system-prompt flag, so `system` is
 * prepended to the prompt.
 *
 * JSONL events: `thread.started`, `turn.started`, `item.started` / `item.updated` / `item.completed`
 * (items: `agent_message` text, `reasoning`, `command_execution`, `file_change`, `mcp_tool_call`,
 * `web_search`, `todo_list`, `error`), `turn.completed` with usage, `turn.failed`, and `error`.
 * Agent messages become text; commands, patches, MCP calls and searches become `tool_activity`
 * (started, then completed with the same id). Top-level `error` events are remembered rather than
 * fatal — Codex also reports retried stream hiccups that way — and only surface if the run then
 * ends without `turn.completed`. `turn.failed` is fatal.
 */
import { createAgentCliBackend } from './agent-cli';
import { isRecord, num, str } from '../shared/events';
import type { Backend, BackendEvent, ModelCallRequest, ToolCall } from '../types';
import { buildCliPrompt, parseJsonLine, TextJoiner, type CliConfig } from './common';
import { exitError, type ProcessExit, type StreamParser } from './process';
import { CODEX_PASS_ENV, CODEX_STATE_IN_HOME, type WithAppServer } from '../codex-app-server/app-server';

const LABEL = 'codex';

export function codexArgs(request: Pick<ModelCallRequest, 'model' | 'system' | 'messages'>, extraArgs: string[] = []): string[] {
  const args = ['exec', '--json', '--skip-git-repo-check'];
  if (request.model && request.model !== 'default') args.push('--model', request.model);
  args.push(...extraArgs, '--', buildCliPrompt(request.messages, request.system));
  return args;
}

/** The tool call an item stands for, or undefined for items that are not tool use. */
function itemCall(item: Record<string, unknown>): ToolCall | undefined {
  const id = str(item.id) ?? '';
  switch (item.type) {
    case 'command_execution':
      return { id, name: 'command_execution', input: { command: str(item.command) ?? '' } };
    case 'file_change':
      return { id, name: 'file_change', input: { changes: Array.isArray(item.changes) ? item.changes : [] } };
    case 'mcp_tool_call':
      return { id, name: `mcp:${str(item.server) ?? '?'}/${str(item.tool) ?? '?'}`, input: item.arguments ?? {} };
    case 'web_search':
      return { id, name: 'web_search', input: { query: str(item.query) ?? '' } };
    default:
      return undefined;
  }
}

/** The Codex CLI's own item statuses (not Switchboard's) that mean the item did not succeed. */
const CODEX_UNSUCCESSFUL_ITEM = new Set(['failed', 'declined']);

function itemResult(item: Record<string, unknown>): { output: string; isError: boolean } {
  const failed = CODEX_UNSUCCESSFUL_ITEM.has(str(item.status) ?? '');
  switch (item.type) {
    case 'command_execution': {
      const exitCode = typeof item.exit_code === 'number' ? item.exit_code : null;
      return {
        output: str(item.aggregated_output) ?? '',
        isError: failed || (exitCode !== null && exitCode !== 0),
      };
    }
    case 'file_change': {
      const changes = Array.isArray(item.changes) ? item.changes.filter(isRecord) : [];
      return { output: changes.map((c) => `${str(c.kind) ?? 'update'} ${str(c.path) ?? ''}`).join('\n'), isError: failed };
    }
    case 'mcp_tool_call': {
      const error = isRecord(item.error) ? str(item.error.message) : undefined;
      const result = isRecord(item.result) && Array.isArray(item.result.content) ? item.result.content : [];
      const output = error ?? result.map((c) => (isRecord(c) && typeof c.text === 'string' ? c.text : JSON.stringify(c))).join('\n');
      return { output, isError: failed || error !== undefined };
    }
    default:
      return { output: '', isError: failed };
  }
}

export function createCodexParser(): StreamParser {
  const text = new TextJoiner();
  const noise: string[] = [];
  let completed = false;
  let lastError: string | undefined;

  return {
    line(line) {
      const event = parseJsonLine(line);
      if (!event) {
        if (line.trim()) noise.push(line.trim());
        return [];
      }
      const item = isRecord(event.item) ? event.item : undefined;
      switch (event.type) {
        case 'item.started': {
          const call = item && itemCall(item);
          return call ? [{ type: 'tool_activity', call }] : [];
        }
        case 'item.completed': {
          if (!item) return [];
          if (item.type === 'agent_message' && typeof item.text === 'string') {
            text.newBlock();
            const piece = text.text(item.text);
            return piece ? [{ type: 'text_delta', text: piece }] : [];
          }
          if (item.type === 'error' && typeof item.message === 'string') {
            noise.push(item.message); // non-fatal by definition
            return [];
          }
          const call = itemCall(item);
          if (!call) return []; // reasoning, todo_list, …
          text.newBlock();
          return [{ type: 'tool_activity', call, result: itemResult(item) }];
        }
        case 'turn.completed': {
          completed = true;
          const usage = isRecord(event.usage) ? event.usage : {};
          // input_tokens already includes cached_input_tokens.
          return [{ type: 'usage', inputTokens: num(usage.input_tokens), outputTokens: num(usage.output_tokens) }];
        }
        case 'turn.failed': {
          const error = isRecord(event.error) ? str(event.error.message) : undefined;
          return [{ type: 'error', message: `${LABEL}: ${error ?? lastError ?? 'turn failed'}` }];
        }
        case 'error':
          lastError = str(event.message) ?? lastError;
          return [];
        default:
          return []; // thread.started, turn.started, item.updated, …
      }
    },
    end(exit: ProcessExit): BackendEvent[] {
      if (completed) return [];
      if (lastError) return [{ type: 'error', message: `${LABEL}: ${lastError}` }];
      return [exitError(LABEL, exit, noise.slice(-5))];
    },
  };
}

/**
 * Runs use `codex exec`; session turns use the same binary's `codex app-server` (see
 * ../codex-app-server), configured from the same settings, which the backend carries for them.
 */
export function createCodexBackend(config: CliConfig): Backend & WithAppServer {
  const backend = createAgentCliBackend(
    { provider: 'codex', displayName: 'Codex CLI', defaultBin: 'codex', defaultModels: ['default', 'gpt-5-codex', 'gpt-5'], args: codexArgs, parser: createCodexParser, passEnv: CODEX_PASS_ENV, stateInHome: CODEX_STATE_IN_HOME },
    config,
  );
  return { ...backend, appServer: { serverEnv: config.serverEnv, env: config.env, killGraceMs: config.killGraceMs, sandbox: config.sandbox, bin: config.bin ?? 'codex' } };
}
