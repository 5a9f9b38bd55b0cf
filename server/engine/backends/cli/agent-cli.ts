/**
 * One shape for the CLI agents that read a prompt from their arguments and stream JSON lines:
 * Claude Code, Codex and Gemini differ only in their binary, models, argument list and parser.
 */
import type { Backend, ModelCallRequest } from '../types';
import { childEnv, cliModels, findExecutable, homePaths, versionProbe, type CliConfig } from './common';
import { runProcess, type StreamParser } from './process';

export interface AgentCliSpec {
  provider: string;
  displayName: string;
  defaultBin: string;
  defaultModels: string[];
  args(request: ModelCallRequest, extraArgs?: string[]): string[];
  parser(): StreamParser;
  /** Variables of the server's environment the CLI authenticates with (its API key, its config dir). */
  passEnv: string[];
  /** Entries of HOME where the CLI keeps its state (login, history); writable in the sandbox. */
  stateInHome: string[];
}

export function createAgentCliBackend(spec: AgentCliSpec, config: CliConfig): Backend {
  const bin = config.bin ?? spec.defaultBin;
  const models = config.models?.length ? config.models : spec.defaultModels;
  return {
    provider: spec.provider,
    kind: 'cli',
    models: () => cliModels(spec.provider, spec.displayName, models),
    call: (request) =>
      runProcess({
        label: spec.provider,
        bin,
        args: spec.args(request, config.extraArgs),
        cwd: request.workspacePath,
        env: childEnv(config, spec.passEnv),
        sandbox: config.sandbox,
        sandboxMode: request.sandboxMode ?? 'workspace-write',
        writablePaths: homePaths(config.serverEnv, spec.stateInHome),
        signal: request.signal,
        parser: spec.parser(),
        killGraceMs: config.killGraceMs,
      }),
    health: async () => {
      const resolved = findExecutable(bin, config.serverEnv.PATH);
      return resolved ? versionProbe(resolved, childEnv(config, spec.passEnv)) : { ok: false, message: `${bin} not found on PATH` };
    },
  };
}
