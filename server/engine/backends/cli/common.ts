/**
 * What the CLI-agent backends share: the prompt they are given, finding binaries on PATH, health
 * probes and small stream-decoding helpers.
 */
import { spawn } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import path from 'node:path';
import { isRecord, latestUserIndex, userText } from '../shared/events';
import { modelInfo } from '../shared/models';
import { sandboxEnv, type Sandbox } from '../../sandbox/bubblewrap';
import type { ModelInfo, ModelMessage } from '../types';

export interface CliConfig {
  /**
   * The server's environment. The subprocess never inherits it: it gets the sandbox's allowlist,
   * HOME, the network settings and the variables its CLI authenticates with (`passEnv`) taken from
   * it. A bare `bin` is looked up on its PATH.
   */
  serverEnv: Record<string, string | undefined>;
  /** What the agent process runs in. */
  sandbox: Sandbox;
  /** The executable: a name looked up on PATH, or a path. Defaults to the CLI's usual name. */
  bin?: string;
  /** Models offered as `<provider>:<model>`; `default` means "pass no model flag". */
  models?: string[];
  /** Extra environment for the subprocess, set as given. */
  env?: Record<string, string>;
  /** Extra arguments placed before the prompt, e.g. `['--sandbox', 'workspace-write']` for codex. */
  extraArgs?: string[];
  /** SIGTERM → SIGKILL grace on abort. Default 1000 ms. */
  killGraceMs?: number;
}

/** Longest transcript of earlier turns handed to a CLI; older text is dropped first. */
const TRANSCRIPT_LIMIT = 20_000;

/**
 * The prompt a CLI agent gets. A CLI run is one whole agent session that cannot be fed our message
 * history natively, so:
 *   - with only one user message, the prompt is that message's text, verbatim;
 *   - with earlier messages, a plain-text transcript of them (user and assistant text, tool use
 *     named but tool output left out — the agent can re-read the workspace) comes first, under
 *     "Conversation so far:", followed by "Current request:" and the latest message;
 *   - images of the latest message are listed as workspace file paths the agent can open;
 *   - `system`, for CLIs without a system-prompt flag, is prepended under "Instructions:".
 */
export function buildCliPrompt(messages: ModelMessage[], system?: string): string {
  const index = latestUserIndex(messages);
  const latest = messages[index];
  let current = latest?.role === 'user' ? userText(latest) : '';
  if (latest?.role === 'user') {
    const images = latest.content.flatMap((p) => (p.type === 'image' ? [p.path] : []));
    if (images.length > 0) current += `${current ? '\n\n' : ''}Attached images (files in the workspace): ${images.join(', ')}`;
  }
  const sections: string[] = [];
  if (system) sections.push(`Instructions:\n${system}`);
  const earlier = index > 0 ? messages.slice(0, index) : [];
  if (earlier.length > 0) {
    let transcript = earlier
      .flatMap((m) => {
        if (m.role === 'user') return [`User: ${userText(m)}`];
        if (m.role === 'assistant') {
          const tools = m.toolCalls.map((c) => `[used tool ${c.name}]`).join(' ');
          return [`Assistant: ${[m.text, tools].filter(Boolean).join('\n')}`];
        }
        return [];
      })
      .join('\n\n');
    if (transcript.length > TRANSCRIPT_LIMIT) transcript = `(earlier conversation omitted)\n…${transcript.slice(-TRANSCRIPT_LIMIT)}`;
    sections.push(`Conversation so far:\n${transcript}`);
  }
  if (sections.length === 0) return current;
  sections.push(`Current request:\n${current}`);
  return sections.join('\n\n');
}

/**
 * Finds an executable the way a shell would: names with a slash are checked as paths, bare names
 * are searched in each PATH entry. Returns the full path, or undefined.
 */
export function findExecutable(name: string, pathVar: string | undefined): string | undefined {
  const candidates = name.includes('/') ? [path.resolve(name)] : (pathVar ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, name));
  for (const candidate of candidates) {
    try {
      if (!statSync(candidate).isFile()) continue;
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not there, or not executable
    }
  }
  return undefined;
}

/**
 * Health probe for a CLI: `<bin> --version` must exit 0 within a few seconds. stdin is /dev/null so
 * a CLI that reads piped input cannot hang the probe.
 */
export function versionProbe(bin: string, env: Record<string, string>, timeoutMs = 5000): Promise<{ ok: boolean; message: string }> {
  return new Promise((resolve) => {
    let output = '';
    let settled = false;
    const finish = (result: { ok: boolean; message: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    const firstLine = (s: string) => s.trim().split('\n')[0] ?? '';
    const child = spawn(bin, ['--version'], { env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish({ ok: false, message: `${bin} --version did not answer within ${timeoutMs} ms` });
    }, timeoutMs);
    child.on('error', (err) => finish({ ok: false, message: `cannot run ${bin}: ${err.message}` }));
    child.on('close', (code) =>
      finish(code === 0 ? { ok: true, message: firstLine(output) || 'available' } : { ok: false, message: `${bin} --version exited with code ${code}: ${firstLine(output)}` }),
    );
  });
}

export function cliModels(provider: string, displayName: string, models: string[]): ModelInfo[] {
  // CLI agents bill through their own accounts, so no price is applied here; they read images
  // only as workspace files, so vision is not advertised.
  return models.map((m) =>
    modelInfo(provider, m, {
      displayName: m === 'default' ? displayName : `${displayName} (${m})`,
      tools: true,
      vision: false,
      pricing: { inputPerMTok: 0, outputPerMTok: 0 },
    }),
  );
}

/** A JSON object from one output line, or undefined for anything else (banners, warnings, blank lines). */
export function parseJsonLine(line: string): Record<string, unknown> | undefined {
  const trimmed = line.trim();
  if (!trimmed.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Joins separate text pieces of one agent run into readable text: pieces that start a new message
 * (after tool use, or a new assistant message) are separated from earlier text by a blank line.
 */
export class TextJoiner {
  private emitted = false;
  private breakPending = false;

  /** Marks that the next text begins a new block. */
  newBlock(): void {
    this.breakPending = true;
  }

  text(piece: string): string {
    if (piece === '') return '';
    const out = this.emitted && this.breakPending ? `\n\n${piece}` : piece;
    this.emitted = true;
    this.breakPending = false;
    return out;
  }

  get any(): boolean {
    return this.emitted;
  }
}

/** How an agent process reaches its API: proxies and extra CA certificates. */
const NETWORK_ENV = ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'ALL_PROXY', 'http_proxy', 'https_proxy', 'no_proxy', 'all_proxy', 'NODE_EXTRA_CA_CERTS', 'SSL_CERT_FILE', 'SSL_CERT_DIR'];

/**
 * The server's own secrets. An agent never gets them, even if a configuration names one in its
 * pass-through list by mistake: with any of them a prompt-injected agent would own the server.
 */
export const SERVER_SECRETS = new Set([
  'ADMIN_TOKEN',
  'BRIDGE_AUTH_TOKEN',
  'HARNESS_AUTH_TOKEN',
  'AEGIS_AUTH_TOKEN',
  'AUTOPACK_API_KEY',
  'AUTH_SECRET',
  'SECRETS_KEY',
  'DATABASE_URL',
  'GITHUB_CLIENT_SECRET',
  'GOOGLE_CLIENT_SECRET',
  'OIDC_CLIENT_SECRET',
]);

/**
 * The environment of an agent process: the sandbox's allowlist, HOME (where the CLI keeps its
 * login), the network settings and the variables the CLI needs (`passEnv`, e.g. its API key), then
 * the backend's configured extras. Nothing else of the server's environment.
 */
export function childEnv(config: Pick<CliConfig, 'serverEnv' | 'env'>, passEnv: readonly string[] = []): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of ['HOME', 'USER', ...NETWORK_ENV, ...passEnv]) {
    const value = config.serverEnv[name];
    if (value !== undefined && !SERVER_SECRETS.has(name)) picked[name] = value;
  }
  const extra = Object.fromEntries(Object.entries(config.env ?? {}).filter(([name]) => !SERVER_SECRETS.has(name)));
  return sandboxEnv(config.serverEnv, { ...picked, ...extra });
}

/** A CLI's own state (`~/.claude`, …): writable in the sandbox when it exists, so the CLI keeps its login and history. */
export function homePaths(serverEnv: Record<string, string | undefined>, names: readonly string[]): string[] {
  const home = serverEnv.HOME;
  return home ? names.map((name) => path.join(home, name)) : [];
}
