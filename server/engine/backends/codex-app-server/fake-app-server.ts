/**
 * Test helper (not a test file): installs fake-codex.mjs as an executable named `codex` in a
 * directory, so the registry finds it on PATH like the real CLI, and reads what it recorded in the
 * workspace it ran in.
 */
import fs from 'node:fs';
import path from 'node:path';

const SOURCE = path.join(import.meta.dirname, 'fake-codex.mjs');

/** Copies the fake to `<dir>/codex` (executable) and returns its path. */
export function installFakeAppServer(dir: string): string {
  const bin = path.join(dir, 'codex');
  fs.copyFileSync(SOURCE, bin);
  fs.chmodSync(bin, 0o755);
  return bin;
}

/** Every message the fakes that ran in `workspace` received (and the answers they got), in order. */
export function fakeAppServerLog(workspace: string): Array<{ method?: string; params?: Record<string, unknown>; answer?: { result?: unknown } }> {
  const file = path.join(workspace, '.fake-app-server.jsonl');
  if (!fs.existsSync(file)) return [];
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line));
}

/** Pids of the fakes started in `workspace` (their pid inside the sandbox when it has its own namespace). */
export function fakeAppServerPids(workspace: string): number[] {
  const file = path.join(workspace, '.fake-app-server.pids');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map(Number) : [];
}
