/**
 * The contract of the tools the engine offers API-model backends. Every path a tool touches is
 * confined to the workspace (realpath; a symlink that leads out is refused).
 */
import type { z } from 'zod';
import type { Sandbox, SandboxMode } from '../sandbox/bubblewrap';

/** What the permission policy decides on: reads, writes, or running commands. */
export type ToolCategory = 'read' | 'write' | 'bash' | 'none';

export interface ToolContext {
  /** Realpath of the workspace root. */
  workspacePath: string;
  signal: AbortSignal;
  bashTimeoutMs: number;
  /** Largest output (bytes) a tool returns; longer output is cut with a note saying so. */
  outputCapBytes: number;
  /**
   * The server's environment. Commands never inherit it: they get the sandbox's allowlist of
   * harmless variables taken from it (PATH, locale), never its secrets.
   */
  env: Record<string, string | undefined>;
  /** What every command the agent runs goes through. */
  sandbox: Sandbox;
  /** The work's policy: how much of the host its commands may touch. */
  sandboxMode: SandboxMode;
  network: boolean;
}

export interface ToolResult {
  output: string;
  isError: boolean;
  /** Files the call wrote (workspace-relative), for `patch_applied` events and artifacts. */
  changedFiles?: string[];
  /** For bash: the exit code (null if killed). */
  exitCode?: number | null;
}

export interface Tool<Input = unknown> {
  name: string;
  description: string;
  category: ToolCategory;
  input: z.ZodType<Input>;
  /** A one-line human summary of a call, e.g. the exact bash command, for approvals and step titles. */
  summarize(input: Input): string;
  run(input: Input, ctx: ToolContext): Promise<ToolResult>;
}
