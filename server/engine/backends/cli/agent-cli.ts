/**
 * One shape for the CLI agents that read a prompt from their arguments and stream JSON lines:
 * Claude Code, Codex and Gemini differ only in their binary, models, argument list and parser.
 */
import type { Backend, ModelCallRequest } from '../types';
import { childEnv, cliModels, findExecutable, versionProbe, type CliConfig } from './common';
import { runProcess, type StreamParser } from './process';

export interface AgentCliSpec {
  provider: string;
  displayName: string;
  defaultBin: string;
  defaultModels: string[];
  args(request: ModelCallRequest, extraArgs?: string[]): string[];
  parser(): StreamParser;
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
        env: childEnv(config),
        signal: request.signal,
        parser: spec.parser(),
        killGraceMs: config.killGraceMs,
      }),
    health: async () => {
      const resolved = findExecutable(bin, config.serverEnv.PATH);
      return resolved ? versionProbe(resolved, childEnv(config)) : { ok: false, message: `${bin} not found on PATH` };
    },
  };
}
