/**
 * Which backends this server can use, found from its environment, and `provider:model` ref lookup.
 *
 * Discovery (`discoverBackends(env, sandbox)`, env being the server's environment; CLI agents run in
 * the sandbox and get only the part of it they need):
 *   scripted      always (`scripted:default`)
 *   openai        when OPENAI_API_KEY or OPENAI_BASE_URL is set; OPENAI_MODELS (comma list,
 *                 default gpt-4o-mini). OPENAI_BASE_URL alone is the keyless local case (Ollama, vLLM).
 *   anthropic     when ANTHROPIC_API_KEY is set; ANTHROPIC_MODELS (default claude-sonnet-4-5),
 *                 ANTHROPIC_BASE_URL optional
 *   claude-code   when `claude` is on PATH; CLAUDE_CODE_MODELS overrides the model list
 *   codex         when `codex` is on PATH; CODEX_MODELS
 *   gemini        when `gemini` is on PATH; GEMINI_MODELS
 *   command       when AGENT_COMMAND is set (run via `/bin/sh -c`); AGENT_COMMAND_MODELS;
 *                 AGENT_COMMAND_ENV names the variables it is given (e.g. its API key)
 * PATH is searched here (no `which`), and CLI backends get the absolute path they were found at.
 *
 * Default model: DEFAULT_MODEL when set and resolvable (otherwise a warning is recorded), else the
 * first model of the first discovered non-scripted API backend (openai before anthropic), else
 * `scripted:default`. CLI agents are never picked implicitly: they act on the workspace on their own.
 */
import { createAnthropicBackend } from './anthropic/anthropic';
import { createClaudeCodeBackend } from './cli/claude-code';
import { createCodexBackend } from './cli/codex';
import { createCommandBackend } from './cli/command';
import { findExecutable } from './cli/common';
import { createGeminiBackend } from './cli/gemini';
import { createOpenAIBackend } from './openai/openai';
import { createScriptedBackend } from './scripted/scripted';
import type { Sandbox } from '../sandbox/bubblewrap';
import type { Backend, ModelInfo } from './types';

export interface ResolvedModel {
  backend: Backend;
  /** The model part of the ref, as passed to `backend.call`. */
  model: string;
  info: ModelInfo;
}

export interface BackendRegistry {
  get(provider: string): Backend | undefined;
  /** Looks up `provider:model`; throws an Error naming the ref when either part is unknown. */
  resolve(ref: string): ResolvedModel;
  /** Backends in discovery order. */
  list(): Backend[];
  /** Every model of every backend. */
  models(): ModelInfo[];
  defaultModelRef(): string;
  /** Configuration problems found during discovery (e.g. an unresolvable DEFAULT_MODEL), for the startup log. */
  warnings: string[];
}

/** Splits `provider:model` at the first colon; model names may contain colons (`llama3.1:8b`). */
export function parseModelRef(ref: string): { provider: string; model: string } | undefined {
  const colon = ref.indexOf(':');
  if (colon <= 0 || colon === ref.length - 1) return undefined;
  return { provider: ref.slice(0, colon), model: ref.slice(colon + 1) };
}

export function createRegistry(backends: Backend[], options: { defaultModel?: string } = {}): BackendRegistry {
  const byProvider = new Map<string, Backend>();
  for (const b of backends) {
    if (byProvider.has(b.provider)) throw new Error(`two backends claim provider "${b.provider}"`);
    byProvider.set(b.provider, b);
  }
  const warnings: string[] = [];

  const resolve = (ref: string): ResolvedModel => {
    const parsed = parseModelRef(ref);
    if (!parsed) throw new Error(`Invalid model ref "${ref}": expected provider:model, e.g. scripted:default`);
    const backend = byProvider.get(parsed.provider);
    if (!backend) {
      throw new Error(`Unknown model "${ref}": no backend "${parsed.provider}" is configured (available: ${[...byProvider.keys()].join(', ')})`);
    }
    const info = backend.models().find((m) => m.model === parsed.model);
    if (!info) {
      throw new Error(`Unknown model "${ref}": ${parsed.provider} offers ${backend.models().map((m) => m.model).join(', ')}`);
    }
    return { backend, model: parsed.model, info };
  };

  let defaultRef = 'scripted:default';
  const firstApi = backends.find((b) => b.kind === 'api' && b.provider !== 'scripted' && b.models().length > 0);
  if (firstApi) defaultRef = firstApi.models()[0]!.ref;
  else if (!byProvider.has('scripted')) defaultRef = backends[0]?.models()[0]?.ref ?? defaultRef;
  if (options.defaultModel) {
    try {
      defaultRef = resolve(options.defaultModel).info.ref;
    } catch (err) {
      warnings.push(`DEFAULT_MODEL ignored: ${(err as Error).message}`);
    }
  }

  return {
    get: (provider) => byProvider.get(provider),
    resolve,
    list: () => [...backends],
    models: () => backends.flatMap((b) => b.models()),
    defaultModelRef: () => defaultRef,
    warnings,
  };
}

function list(value: string | undefined): string[] | undefined {
  const items = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length > 0 ? items : undefined;
}

export function discoverBackends(env: Record<string, string | undefined>, sandbox: Sandbox): BackendRegistry {
  const backends: Backend[] = [createScriptedBackend()];
  const set = (name: string) => (env[name] ?? '').trim() || undefined;

  if (set('OPENAI_API_KEY') || set('OPENAI_BASE_URL')) {
    backends.push(createOpenAIBackend({ baseUrl: set('OPENAI_BASE_URL'), apiKey: set('OPENAI_API_KEY'), models: list(env.OPENAI_MODELS) }));
  }
  if (set('ANTHROPIC_API_KEY')) {
    backends.push(createAnthropicBackend({ baseUrl: set('ANTHROPIC_BASE_URL'), apiKey: set('ANTHROPIC_API_KEY'), models: list(env.ANTHROPIC_MODELS) }));
  }
  const clis = [
    { bin: 'claude', create: createClaudeCodeBackend, models: 'CLAUDE_CODE_MODELS' },
    { bin: 'codex', create: createCodexBackend, models: 'CODEX_MODELS' },
    { bin: 'gemini', create: createGeminiBackend, models: 'GEMINI_MODELS' },
  ];
  for (const cli of clis) {
    const found = findExecutable(cli.bin, env.PATH);
    if (found) backends.push(cli.create({ serverEnv: env, sandbox, bin: found, models: list(env[cli.models]) }));
  }
  const agentCommand = set('AGENT_COMMAND');
  if (agentCommand) backends.push(createCommandBackend({ serverEnv: env, sandbox, command: ['/bin/sh', '-c', agentCommand], models: list(env.AGENT_COMMAND_MODELS), passEnv: list(env.AGENT_COMMAND_ENV) }));

  return createRegistry(backends, { defaultModel: set('DEFAULT_MODEL') });
}
