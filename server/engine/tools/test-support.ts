/** Real temporary workspaces for the tool tests. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createSandbox } from '../sandbox/bubblewrap';
import type { ToolContext } from './types';

/** The tool tests' default: commands run directly, so their pids are the host's. The sandbox has its own tests. */
export const unsandboxed = createSandbox({ enabled: false, hiddenPaths: [] });

export interface TempWorkspace {
  /** Realpath of a fresh workspace directory. */
  root: string;
  /** Realpath of a sibling directory outside the workspace, for escape attempts. */
  outside: string;
  ctx(overrides?: Partial<ToolContext>): ToolContext;
  write(rel: string, content: string | Buffer): string;
  read(rel: string): string;
  exists(rel: string): boolean;
  cleanup(): void;
}

export function makeWorkspace(): TempWorkspace {
  const base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'sb-tools-')));
  const root = path.join(base, 'ws');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(root);
  fs.mkdirSync(outside);
  return {
    root,
    outside,
    ctx: (overrides = {}) => ({
      workspacePath: root,
      signal: new AbortController().signal,
      bashTimeoutMs: 10_000,
      outputCapBytes: 64 * 1024,
      env: process.env,
      sandbox: unsandboxed,
      sandboxMode: 'workspace-write',
      network: false,
      ...overrides,
    }),
    write(rel, content) {
      const abs = path.join(root, rel);
      fs.mkdirSync(path.dirname(abs), { recursive: true });
      fs.writeFileSync(abs, content);
      return abs;
    },
    read: (rel) => fs.readFileSync(path.join(root, rel), 'utf8'),
    exists: (rel) => fs.existsSync(path.join(root, rel)),
    cleanup: () => fs.rmSync(base, { recursive: true, force: true }),
  };
}
