/**
 * The `command` backend: any program as an agent. Configured as an argv (`{command: ['my-agent',
 * '--flag']}`; from the environment, `AGENT_COMMAND` is run through `/bin/sh -c`). It runs in the
 * workspace with:
 *
 *   - stdin: the prompt (see `buildCliPrompt`: the latest user message, preceded by a transcript of
 *     earlier turns when there are any), then EOF;
 *   - env: `AGENT_MODEL` (the model part of the ref), `AGENT_SYSTEM_PROMPT` (when there is one) and
 *     `AGENT_WORKSPACE`, on top of the sandbox's allowlist, HOME and the variables named in
 *     `passEnv` (from the environment: `AGENT_COMMAND_ENV`, a comma list) — never the server's secrets.
 *   - the sandbox, with the network on and the workspace as the policy's sandbox mode says.
 *
 * Each stdout line that is a JSON object with a known `type` is mapped:
 *   {"type":"text","text":"…"}                          → text_delta
 *   {"type":"usage","input_tokens":N,"output_tokens":M} → usage (camelCase names accepted too)
 *   {"type":"error","message":"…"}                      → error (ends the call)
 * Any other line is streamed as text, newline included, so a plain script "just works".
 * A non-zero exit is an error carrying the tail of stderr.
 */
import { isRecord, num, str } from '../shared/events';
import type { Backend, BackendEvent } from '../types';
import { buildCliPrompt, childEnv, cliModels, findExecutable, parseJsonLine, type CliConfig } from './common';
import { exitError, runProcess, type ProcessExit, type StreamParser } from './process';

const LABEL = 'command';

export interface CommandConfig extends Omit<CliConfig, 'bin' | 'extraArgs'> {
  /** argv of the agent program; the first element is the executable. */
  command: string[];
  /** Variables of the server's environment the program needs (its API key). */
  passEnv?: string[];
}

export function createCommandParser(): StreamParser {
  return {
    line(line): BackendEvent[] {
      const event = parseJsonLine(line);
      if (event?.type === 'text' && typeof event.text === 'string') return event.text ? [{ type: 'text_delta', text: event.text }] : [];
      if (event?.type === 'usage') {
        return [
          {
            type: 'usage',
            inputTokens: num(event.input_tokens ?? event.inputTokens),
            outputTokens: num(event.output_tokens ?? event.outputTokens),
          },
        ];
      }
      if (event?.type === 'error') {
        const detail = str(event.message) ?? (isRecord(event.error) ? str(event.error.message) : undefined) ?? 'failed';
        return [{ type: 'error', message: `${LABEL}: ${detail}` }];
      }
      return [{ type: 'text_delta', text: `${line}\n` }];
    },
    end(exit: ProcessExit): BackendEvent[] {
      return exit.code === 0 && !exit.signal ? [] : [exitError(LABEL, exit)];
    },
  };
}

export function createCommandBackend(config: CommandConfig): Backend {
  const [bin, ...args] = config.command;
  if (!bin) throw new Error('command backend: `command` must name a program');
  const models = config.models?.length ? config.models : ['default'];
  return {
    provider: 'command',
    kind: 'cli',
    models: () => cliModels('command', 'Custom command', models),
    call: (request) =>
      runProcess({
        label: LABEL,
        bin,
        args,
        cwd: request.workspacePath,
        env: {
          ...childEnv(config, config.passEnv),
          AGENT_MODEL: request.model,
          AGENT_WORKSPACE: request.workspacePath,
          ...(request.system ? { AGENT_SYSTEM_PROMPT: request.system } : {}),
        },
        sandbox: config.sandbox,
        sandboxMode: request.sandboxMode ?? 'workspace-write',
        stdin: buildCliPrompt(request.messages),
        signal: request.signal,
        parser: createCommandParser(),
        killGraceMs: config.killGraceMs,
      }),
    // Running the command would start an agent, so health only checks that the program exists.
    health: async () =>
      findExecutable(bin, config.serverEnv.PATH) ? { ok: true, message: `runs ${bin}` } : { ok: false, message: `${bin} not found` },
  };
}
