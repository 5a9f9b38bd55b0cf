/**
 * Test helper (not a test file): writes a fake CLI agent — a real `#!/usr/bin/env node` executable —
 * that prints canned lines in the real CLI's output format. Its behaviour is picked per call through
 * the FAKE_MODE environment variable (passed via the backend's `env` config):
 *
 *   ok        print `ok` lines (a few ms apart) and exit 0
 *   fail      print `fail.stdout` lines, write `fail.stderr`, exit with `fail.code`
 *   slow      start a grandchild in the same process group, print `slow` lines, then hang
 *   stubborn  like slow, but both processes ignore SIGTERM (only SIGKILL ends them)
 *
 * Every run records its argv, cwd, stdin and AGENT_* env to `<dir>/<name>.log.json`, and in the slow
 * modes the pids of itself and the grandchild to `<dir>/<name>.pids.json`.
 */
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { isAlive, waitFor } from '../shared/testing';
import type { BackendEvent } from '../types';

export interface FakeCliSpec {
  ok: string[];
  fail: { stdout: string[]; stderr: string; code: number };
  slow: string[];
}

export interface FakeCli {
  bin: string;
  /** What the last run recorded. */
  log(): { argv: string[]; cwd: string; stdin: string; env: Record<string, string | undefined> };
  /** Pids written by a slow run, once it wrote them. */
  pids(): { self: number; grandchild: number } | undefined;
}

export function writeFakeCli(dir: string, name: string, spec: FakeCliSpec): FakeCli {
  const bin = path.join(dir, name);
  const logFile = path.join(dir, `${name}.log.json`);
  const pidFile = path.join(dir, `${name}.pids.json`);
  const script = `#!/usr/bin/env node
const fs = require('node:fs');
const { spawn } = require('node:child_process');
const spec = ${JSON.stringify(spec)};
const mode = process.env.FAKE_MODE || 'ok';
let stdin = '';
try { stdin = fs.readFileSync(0, 'utf8'); } catch {}
const env = {};
for (const k of Object.keys(process.env)) if (k.startsWith('AGENT_')) env[k] = process.env[k];
fs.writeFileSync(${JSON.stringify(logFile)}, JSON.stringify({ argv: process.argv.slice(2), cwd: process.cwd(), stdin, env }));
function print(lines, done) {
  let i = 0;
  const step = () => {
    if (i >= lines.length) return done();
    process.stdout.write(lines[i++] + '\\n');
    setTimeout(step, 5);
  };
  step();
}
if (mode === 'ok') {
  print(spec.ok, () => process.exit(0));
} else if (mode === 'fail') {
  process.stderr.write(spec.fail.stderr);
  print(spec.fail.stdout, () => process.exit(spec.fail.code));
} else {
  const stubborn = mode === 'stubborn';
  if (stubborn) process.on('SIGTERM', () => {});
  const child = spawn(process.execPath, ['-e', (stubborn ? "process.on('SIGTERM', () => {});" : '') + 'setInterval(() => {}, 1000)'], { stdio: 'ignore' });
  fs.writeFileSync(${JSON.stringify(pidFile)}, JSON.stringify({ self: process.pid, grandchild: child.pid }));
  print(spec.slow, () => setInterval(() => {}, 1000));
}
`;
  writeFileSync(bin, script);
  chmodSync(bin, 0o755);
  return {
    bin,
    log: () => JSON.parse(readFileSync(logFile, 'utf8')),
    pids: () => (existsSync(pidFile) ? JSON.parse(readFileSync(pidFile, 'utf8')) : undefined),
  };
}

/**
 * Runs `call` with the fake in a slow mode, aborts after the first event, and reports how long the
 * call took to end and how long until the fake and its grandchild were gone.
 */
export async function abortAfterFirstEvent(
  fake: FakeCli,
  call: (signal: AbortSignal) => AsyncIterable<BackendEvent>,
): Promise<{ events: BackendEvent[]; endedMs: number; goneMs: number; pids: { self: number; grandchild: number } }> {
  const controller = new AbortController();
  const events: BackendEvent[] = [];
  let abortedAt = 0;
  for await (const event of call(controller.signal)) {
    events.push(event);
    if (!abortedAt) {
      abortedAt = Date.now();
      controller.abort();
    }
  }
  const endedMs = Date.now() - abortedAt;
  const pids = fake.pids();
  if (!pids) throw new Error('the fake did not record its pids');
  await waitFor(() => !isAlive(pids.self) && !isAlive(pids.grandchild), 3000);
  return { events, endedMs, goneMs: Date.now() - abortedAt, pids };
}
