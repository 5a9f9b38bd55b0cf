/**
 * Public surface of the backends: the engine contract, discovery/registry, and the factories (for
 * wiring a backend by hand, e.g. in tests).
 */
export type * from './types';
export { createRegistry, discoverBackends, parseModelRef, type BackendRegistry, type ResolvedModel } from './registry';
export { createScriptedBackend, type ScriptedConfig } from './scripted/scripted';
export { createOpenAIBackend, type OpenAIConfig } from './openai/openai';
export { createAnthropicBackend, type AnthropicConfig } from './anthropic/anthropic';
export { createClaudeCodeBackend } from './cli/claude-code';
export { createCodexBackend } from './cli/codex';
export { createGeminiBackend } from './cli/gemini';
export { createCommandBackend, type CommandConfig } from './cli/command';
export type { CliConfig } from './cli/common';
