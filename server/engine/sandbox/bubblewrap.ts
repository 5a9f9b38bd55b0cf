/**
 * The sandbox everything an agent runs goes through: the `bash` tool and CLI agent processes are
 * started under bubblewrap (kernel namespaces, the same base Claude Code's sandbox runtime builds
 * on), never directly.
 *
 * What a sandboxed process gets:
 * - its own PID, IPC and UTS namespaces: it sees only its own processes, so no `/proc/<server>/environ`;
 * - the host filesystem read-only, the workspace writable (`workspace-write`) or read-only
 *   (`read-only`), a private `/tmp`, and `DATA_DIR` plus every other hidden path replaced by an
 *   empty directory (the admin token, the auth secret and the embedded database live there);
 * - exactly the environment it is given — bubblewrap itself is started with that environment, so
 *   even the sandbox's PID 1 holds none of the server's variables;
 * - no network unless the policy allows it (an empty network namespace: not even the host's loopback).
 *
 * `danger-full-access` (admin only) lifts the filesystem and network limits but keeps the namespaces,
 * the clean environment and the hidden paths: full access to the host, never to the server's secrets.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const SANDBOX_MODES = ['read-only', 'workspace-write', 'danger-full-access'] as const;
export type SandboxMode = (typeof SANDBOX_MODES)[number];

export interface SandboxConfig {
  /** False only when the admin set SANDBOX=off: commands then run directly on the host. */
  enabled: boolean;
  /** Paths no sandboxed process may see: directories (DATA_DIR, the secrets' folders) or single files. */
  hiddenPaths: readonly string[];
  /** The bubblewrap executable; found on PATH when absent. */
  bwrapPath?: string;
}

export interface SandboxedCommand {
  bin: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface SandboxRequest extends SandboxedCommand {
  mode: SandboxMode;
  /** The directory the process may write (and must be able to read). */
  workspace: string;
  /** Network access: off in `read-only` and `workspace-write` unless the policy (or a CLI agent's own API) needs it. */
  network: boolean;
  /** Extra paths to make writable besides the workspace (a CLI agent's own state directory). */
  writablePaths?: readonly string[];
  /** Paths to show read-only even where the private /tmp covers them (a CLI agent's own executable). Never inside a hidden path. */
  readablePaths?: readonly string[];
}

export class SandboxUnavailableError extends Error {
  constructor(reason: string) {
    super(
      `tool execution is refused: the sandbox needs bubblewrap (${reason}). Install the \`bubblewrap\` package ` +
        '(Debian/Ubuntu: apt-get install bubblewrap), or set SANDBOX=off to run agent commands unconfined (not recommended).',
    );
    this.name = 'SandboxUnavailableError';
  }
}

export interface Sandbox {
  readonly enabled: boolean;
  /** Why the sandbox cannot run, or null when it can (or is deliberately off). */
  unavailableReason(): string | null;
  /** The command to spawn instead of `command`; throws SandboxUnavailableError when bubblewrap is missing. */
  wrap(request: SandboxRequest): SandboxedCommand;
}

function findOnPath(bin: string, pathVar: string | undefined): string | undefined {
  for (const dir of (pathVar ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    if (!dir) continue;
    const candidate = path.join(dir, bin);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** Existing paths only, resolved, without duplicates. */
function realPaths(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    try {
      out.push(fs.realpathSync(p));
    } catch {
      // A path that does not exist has nothing to hide.
    }
  }
  return [...new Set(out)].sort();
}

const isInside = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

export function bubblewrapArgs(request: SandboxRequest, hiddenPaths: readonly string[]): string[] {
  const workspace = fs.realpathSync(request.workspace);
  const full = request.mode === 'danger-full-access';
  const args = [
    '--die-with-parent',
    // A new session: the process cannot push keystrokes into the server's terminal (TIOCSTI).
    '--new-session',
    '--unshare-pid',
    '--unshare-ipc',
    '--unshare-uts',
    '--unshare-cgroup-try',
    full ? '--bind' : '--ro-bind',
    '/',
    '/',
    '--dev',
    '/dev',
    '--proc',
    '/proc',
    '--tmpfs',
    '/tmp',
  ];
  // Hidden paths become empty directories, and the workspace is mounted where the mode says. bwrap
  // applies mounts in order, so they go shallowest first: a workspace inside a hidden path (the
  // default workspace root lives in DATA_DIR) is mounted back on top of the emptied directory, and a
  // hidden path inside the workspace is emptied after the workspace is mounted.
  const hidden = realPaths(hiddenPaths);
  // A hidden directory becomes an empty one; a hidden file (a `.env` beside the server) is covered by /dev/null.
  const mounts: Array<{ at: string; args: string[] }> = hidden.map((h) => ({ at: h, args: isDirectory(h) ? ['--tmpfs', h] : ['--ro-bind', '/dev/null', h] }));
  // Mounted even read-only: the private /tmp or a hidden path may cover where it lives.
  mounts.push({ at: workspace, args: [request.mode === 'read-only' ? '--ro-bind' : '--bind', workspace, workspace] });
  // A CLI agent's own state (its login, its history) stays writable even when the workspace is not.
  for (const p of realPaths(request.writablePaths ?? [])) mounts.push({ at: p, args: ['--bind', p, p] });
  for (const p of realPaths(request.readablePaths ?? [])) {
    if (!hidden.some((h) => isInside(p, h))) mounts.push({ at: p, args: ['--ro-bind', p, p] });
  }
  const depth = (p: string) => p.split(path.sep).length;
  for (const m of mounts.sort((a, b) => depth(a.at) - depth(b.at) || Number(a.args[0] !== '--tmpfs') - Number(b.args[0] !== '--tmpfs'))) args.push(...m.args);
  if (!request.network && !full) args.push('--unshare-net');
  args.push('--chdir', request.cwd, '--', request.bin, ...request.args);
  return args;
}

export function createSandbox(config: SandboxConfig, pathVar?: string): Sandbox {
  let reason: string | null | undefined;
  let bwrap: string | undefined;
  const probe = (): string | null => {
    if (reason !== undefined) return reason;
    bwrap = config.bwrapPath ?? findOnPath('bwrap', pathVar);
    if (!bwrap) return (reason = 'bwrap was not found on PATH');
    // Namespaces can be disabled (unprivileged user namespaces off, a restrictive container):
    // a found binary that cannot start a sandbox is as good as a missing one.
    const result = spawnSync(bwrap, ['--ro-bind', '/', '/', '--unshare-pid', '--unshare-net', '--', 'true'], { env: {} as NodeJS.ProcessEnv, timeout: 10_000 });
    reason = result.status === 0 ? null : `bwrap cannot create a sandbox here: ${(result.stderr?.toString() || result.error?.message || 'unknown error').trim()}`;
    return reason;
  };
  return {
    enabled: config.enabled,
    unavailableReason: () => (config.enabled ? probe() : null),
    wrap(request) {
      if (!config.enabled) return { bin: request.bin, args: request.args, cwd: request.cwd, env: request.env };
      const why = probe();
      if (why) throw new SandboxUnavailableError(why);
      return { bin: bwrap!, args: bubblewrapArgs(request, config.hiddenPaths), cwd: request.cwd, env: request.env };
    },
  };
}

/**
 * The environment a sandboxed process starts with: an allowlist of harmless variables from the
 * server's environment, never its secrets, plus what the caller adds on purpose.
 */
const PASSED_THROUGH = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TERM'];

export function sandboxEnv(hostEnv: Readonly<Record<string, string | undefined>>, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' };
  for (const name of PASSED_THROUGH) {
    const value = hostEnv[name];
    if (value !== undefined) env[name] = value;
  }
  return { ...env, ...extra };
}
