/**
 * What the backends, usage and emergency tests share: principals of several kinds, work submitted
 * through agentd's REST API (EchoHelix's own runs endpoint is tested with runs), and polling.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { isTerminalRun, isTerminalTurn } from '@/server/core/work/status';
import type { TestServer } from '@/server/testing/harness';

/**
 * Whether these modules of the EchoHelix folder exist in this tree: runs, sessions and pairing are
 * built on parallel branches, and the checks that go through them run once they are merged in.
 */
export const echohelixModulesBuilt = (...modules: string[]): boolean => modules.every((m) => fs.existsSync(new URL(`./${m}.ts`, import.meta.url)));

/** A directory holding a fake `claude` CLI that answers `--version`, to put on the server's PATH. */
export function fakeClaudeOnPath(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fake-claude-'));
  fs.writeFileSync(path.join(dir, 'claude'), '#!/bin/sh\necho "9.9.9 (Claude Code, fake)"\n', { mode: 0o755 });
  return dir;
}

/** An API key of the given scopes, owned by whoever `token` is. */
export async function apiKey(s: TestServer, token: string, scopes: string[]): Promise<string> {
  const res = await s.fetch('/v1/auth/keys', { method: 'POST', token, json: { name: `key-${scopes.join('-')}`, scopes } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

/**
 * Signs a new user up (the server needs SIGNUP_ENABLED) and returns their token and a workspace:
 * `.`, their own root, which the server creates on first use.
 */
export async function signUp(s: TestServer, username: string): Promise<{ token: string; workspace: string }> {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${username}@example.com`, password: 'correct horse battery', username } });
  expect(res.status).toBe(201);
  const token = ((await res.json()) as { access_token: string }).access_token;
  return { token, workspace: '.' };
}

/** The admin's workspace, under the first allowed root. */
export function adminWorkspace(s: TestServer): string {
  const workspace = path.join(s.services.env.workspaceRoots[0]!, 'admin-repo');
  fs.mkdirSync(workspace, { recursive: true });
  return workspace;
}

export function submitRun(s: TestServer, token: string, workspace: string, prompt: string, model?: string): Promise<Response> {
  return s.fetch('/v1/runs', { method: 'POST', token, json: { workspace_path: workspace, prompt, ...(model ? { model } : {}) } });
}

export async function runStatus(s: TestServer, token: string, id: string): Promise<string> {
  return ((await (await s.fetch(`/v1/runs/${id}`, { token })).json()) as { status: string }).status;
}

/** Polls until `read` gives one of `wanted`, or fails after the deadline with the last value. */
export async function waitFor<T>(read: () => Promise<T>, wanted: (value: T) => boolean, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (wanted(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Submits a run through agentd and waits until it has finished (so its usage is recorded). */
export async function finishedRun(s: TestServer, token: string, workspace: string, prompt: string): Promise<string> {
  const res = await submitRun(s, token, workspace, prompt, 'scripted:default');
  const body = (await res.json()) as { run_id: string };
  expect(res.status, JSON.stringify(body)).toBe(200);
  const id = body.run_id;
  expect(await waitFor(() => runStatus(s, token, id), (st) => !!st && isTerminalRun(st), `run ${id}`)).toBe('succeeded');
  return id;
}

/** Opens an agentd chat session in the workspace. */
export async function openSession(s: TestServer, token: string, workspace: string): Promise<string> {
  const res = await s.fetch('/v1/sessions', { method: 'POST', token, json: { workspace_path: workspace } });
  expect(res.status).toBe(200);
  return ((await res.json()) as { session_id: string }).session_id;
}

export function postMessage(s: TestServer, token: string, sessionId: string, text: string): Promise<Response> {
  return s.fetch(`/v1/sessions/${sessionId}/messages`, { method: 'POST', token, json: { role: 'user', parts: [{ type: 'text', text }] } });
}

/** Starts a turn with the message and waits until it has finished. */
export async function finishedTurn(s: TestServer, token: string, sessionId: string, text: string): Promise<string> {
  const res = await postMessage(s, token, sessionId, text);
  expect(res.status).toBe(200);
  const turnId = ((await res.json()) as { turn_id: string }).turn_id;
  const turnStatus = async () => {
    const session = (await (await s.fetch(`/v1/sessions/${sessionId}`, { token })).json()) as { turns: Array<{ id: string; status: string }> };
    return session.turns.find((t) => t.id === turnId)?.status;
  };
  expect(await waitFor(turnStatus, (st) => !!st && isTerminalTurn(st), `turn ${turnId}`)).toBe('succeeded');
  return turnId;
}
