/**
 * The contract between the engine and an agent backend. A backend is addressed by a
 * `provider:model` ref (`scripted:default`, `openai:gpt-4o-mini`, `claude-code:sonnet`, …).
 *
 * API backends (scripted, openai, anthropic) perform ONE model call per `call()`: they stream text
 * and end by asking for tool calls, which the engine runs (policy and approvals apply) and feeds back
 * as `tool` messages in the next call. CLI backends (claude-code, codex, gemini, command) run their
 * own agent loop inside a subprocess in the workspace: one `call()` is the whole subprocess, and the
 * tool activity it reports is informational.
 */
import type { SandboxMode } from '../sandbox/bubblewrap';

export interface TextPart {
  type: 'text';
  text: string;
}

export interface ImagePart {
  type: 'image';
  /** Absolute path inside the workspace. */
  path: string;
  /** The workspace the image must be inside when it is read (realpath): a stored ref may have become a symlink since. */
  workspace: string;
  mimeType: string;
}

export interface ToolCall {
  /** Stable id of the call (the provider's, or one the backend made up). */
  id: string;
  name: string;
  input: unknown;
}

export type ModelMessage =
  | { role: 'user'; content: Array<TextPart | ImagePart> }
  | { role: 'assistant'; text: string; toolCalls: ToolCall[] }
  | { role: 'tool'; toolCallId: string; toolName: string; output: string; isError: boolean };

export interface ToolSpec {
  name: string;
  description: string;
  /** JSON Schema of the tool's input object. */
  inputSchema: Record<string, unknown>;
}

export interface ModelCallRequest {
  /** The model part of the ref (`gpt-4o-mini` in `openai:gpt-4o-mini`). */
  model: string;
  system?: string;
  messages: ModelMessage[];
  tools: ToolSpec[];
  /** Realpath of the workspace; CLI backends run there. */
  workspacePath: string;
  /** The work's sandbox mode, for CLI backends' processes; `workspace-write` when absent. */
  sandboxMode?: SandboxMode;
  /** Aborts the call: HTTP requests are aborted, subprocess groups are killed. */
  signal: AbortSignal;
}

export type BackendEvent =
  | { type: 'text_delta'; text: string }
  /** API backends: the model asks the engine to run this tool. Emitted after all text of the call. */
  | { type: 'tool_call'; call: ToolCall }
  /** CLI backends: the agent ran a tool itself; reported so it shows in the event stream. */
  | { type: 'tool_activity'; call: ToolCall; result?: { output: string; isError: boolean } }
  | { type: 'usage'; inputTokens: number; outputTokens: number }
  /** The call failed; no further events follow. */
  | { type: 'error'; message: string };

export interface ModelInfo {
  /** Full ref, `provider:model`. */
  ref: string;
  provider: string;
  model: string;
  displayName: string;
  capabilities: { tools: boolean; vision: boolean; streaming: boolean };
  /** USD per million tokens; 0 for local or scripted models. */
  pricing: { inputPerMTok: number; outputPerMTok: number };
}

export interface Backend {
  /** The provider part of refs this backend serves (`scripted`, `openai`, `claude-code`, …). */
  provider: string;
  kind: 'api' | 'cli';
  models(): ModelInfo[];
  /** One model call (API) or one agent subprocess (CLI). Must end promptly once `signal` aborts. */
  call(request: ModelCallRequest): AsyncIterable<BackendEvent>;
  /** A cheap health probe for backend listings. */
  health(): Promise<{ ok: boolean; message: string }>;
}
