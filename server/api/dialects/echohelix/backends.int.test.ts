import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { apiKey, fakeClaudeOnPath, waitFor } from './usage-test-support';

let s: TestServer;
let binDir: string;
let reader: string;

beforeAll(async () => {
  binDir = fakeClaudeOnPath();
  fs.writeFileSync(`${binDir}/codex`, '#!/bin/sh\necho "broken install" >&2\nexit 3\n', { mode: 0o755 });
  s = await startTestServer({ PATH: binDir });
  reader = await apiKey(s, s.adminToken, ['backends:read']);
});
afterAll(async () => {
  await s.close();
  fs.rmSync(binDir, { recursive: true, force: true });
});

type Backend = { name: string; health: { ok: boolean; message: string }; capabilities: Record<string, unknown>; capabilities_error: string };

const listBackends = async (base = '', token = reader): Promise<Backend[]> => {
  const res = await s.fetch(`${base}/api/v3/backends`, { token });
  expect(res.status).toBe(200);
  return ((await res.json()) as { backends: Backend[] }).backends;
};

describe('GET /api/v3/backends', () => {
  it('lists every backend under its EchoHelix name (claude-code is `claude`), with health and capabilities', async () => {
    // A CLI probe runs `claude --version`; the first read may find it still running.
    const backends = await waitFor(
      () => listBackends(),
      (list) => list.every((b) => b.health.message !== 'checking…'),
      'backend probes',
    );
    expect(backends.map((b) => b.name)).toEqual(['scripted', 'claude', 'codex']);
    const [scripted, claude] = backends;
    expect(scripted).toEqual({
      name: 'scripted',
      health: { ok: true, message: expect.any(String) },
      capabilities: {
        backend: 'scripted',
        event_types: ['token', 'tool_call', 'tool_result', 'patch', 'status', 'done', 'error'],
        supports_cancel: true,
        supports_pty: false,
        schema_versions: ['v1', 'v2'],
        preferred_schema_version: 'v2',
        compat_fields: ['text', 'status', 'is_error'],
      },
      capabilities_error: '',
    });
    expect(claude).toMatchObject({ name: 'claude', health: { ok: true, message: '9.9.9 (Claude Code, fake)' }, capabilities: { backend: 'claude' } });
  });

  it('reports a backend that does not answer as not ok, with the reason', async () => {
    const codex = (await listBackends()).find((b) => b.name === 'codex');
    expect(codex?.health.ok).toBe(false);
    expect(codex?.health.message).toContain('broken install');
  });

  it('answers under /echohelix too, and to the bootstrap token (it holds backends:read)', async () => {
    expect((await listBackends('/echohelix')).map((b) => b.name)).toEqual(['scripted', 'claude', 'codex']);
    expect((await listBackends('', s.adminToken)).length).toBe(3);
  });

  it('needs backends:read (403 naming it) and a credential (401)', async () => {
    const runsOnly = await apiKey(s, s.adminToken, ['runs:read']);
    const refused = await s.fetch('/api/v3/backends', { token: runsOnly });
    expect(refused.status).toBe(403);
    expect((await refused.json()).error).toContain('missing scope: backends:read');
    expect((await s.fetch('/echohelix/api/v3/backends')).status).toBe(401);
  });
});
