/**
 * An EchoHelix client from start to finish, as the original bridge's apps use it: a wallet (an
 * ed25519 key made here) pairs with a code the bootstrap token started, refreshes its tokens, sees a
 * replayed refresh token revoke its whole family, pairs again, submits a run with its access token,
 * follows it over the WebSocket, drops the connection mid-run and resumes with `from_seq` without
 * losing or repeating an event, and reads usage that counts the run.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { pairDevice, refresh } from '@/server/testing/elix-wallet';

interface EventV2 {
  run_id: string;
  seq: number;
  type: string;
  channel: string;
  compat?: { status?: string; text?: string };
}

let s: TestServer;
let workspace: string;

beforeAll(async () => {
  s = await startTestServer();
  workspace = path.join(s.dataDir, 'workspaces', 'phone-client');
  fs.mkdirSync(workspace, { recursive: true });
}, 60_000);
afterAll(() => s.close());

/** Reads Event v2 messages until `enough` says stop (then closes) or the server closes the socket. */
function readEvents(url: string, enough: (seen: EventV2[]) => boolean = () => false): Promise<{ seen: EventV2[]; closedByServer: boolean }> {
  return new Promise((resolve, reject) => {
    const seen: EventV2[] = [];
    let closedByUs = false;
    const ws = new WebSocket(url);
    ws.on('message', (raw) => {
      seen.push(JSON.parse(raw.toString()) as EventV2);
      if (!closedByUs && enough(seen)) {
        closedByUs = true;
        ws.close();
      }
    });
    ws.on('close', () => resolve({ seen, closedByServer: !closedByUs }));
    ws.on('error', reject);
  });
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });

describe('an EchoHelix client: pair → refresh → run over WebSocket → usage', () => {
  it('POST /api/v3/pair/start, /pair/complete, /session/refresh: rotation, and a replayed refresh token revokes the family', async () => {
    const { tokens } = await pairDevice(s, s.adminToken, { name: 'phone' });
    expect(tokens.address).toMatch(/^elix1[0-9a-f]{40}$/);
    expect((await s.fetch('/api/v3/devices', { headers: auth(tokens.access_token) })).status).toBe(200);

    const rotated = await refresh(s, tokens.refresh_token);
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as { access_token: string; refresh_token: string };
    expect((await s.fetch('/api/v3/devices', { headers: auth(tokens.access_token) })).status).toBe(401);
    expect((await s.fetch('/api/v3/devices', { headers: auth(next.access_token) })).status).toBe(200);

    // The old refresh token again: someone copied it. Every token of the family stops working.
    expect((await refresh(s, tokens.refresh_token)).status).toBe(401);
    expect((await s.fetch('/api/v3/devices', { headers: auth(next.access_token) })).status).toBe(401);
    expect((await refresh(s, next.refresh_token)).status).toBe(401);
  });

  it('POST /api/v3/runs with a device token, GET …/events over WebSocket, reconnect with from_seq, then GET /api/v3/usage/tokens', async () => {
    const { tokens } = await pairDevice(s, s.adminToken, { name: 'laptop' });
    const submitted = await s.fetch('/api/v3/runs', {
      method: 'POST',
      headers: auth(tokens.access_token),
      json: {
        workspace_id: 'phone-client',
        workspace_path: workspace,
        backend: 'scripted',
        prompt: '::say first part\n::sleep 300\n::say second part\n::usage 30 12',
      },
    });
    expect(submitted.status).toBe(202);
    const run = (await submitted.json()) as { run_id: string; stream_url: string; status: string };
    expect(run.stream_url).toBe(`/api/v3/runs/${run.run_id}/events`);

    const base = `${s.url.replace(/^http/, 'ws')}${run.stream_url}`;
    // The browser fallback: the token in the query string. Leave after the first text arrives.
    const first = await readEvents(`${base}?access_token=${tokens.access_token}`, (seen) => seen.some((e) => e.type === 'token'));
    expect(first.closedByServer).toBe(false);
    const resumeAt = first.seen.at(-1)!.seq + 1;

    // The legacy alias, resuming where the first connection stopped (from_seq is inclusive).
    const rest = await readEvents(`${base}?token=${tokens.access_token}&from_seq=${resumeAt}`);
    expect(rest.closedByServer).toBe(true);
    const all = [...first.seen, ...rest.seen];
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.every((e) => e.run_id === run.run_id)).toBe(true);
    expect(all.at(-1)).toMatchObject({ type: 'done', channel: 'system', compat: { status: 'completed' } });
    const text = all.filter((e) => e.type === 'token').map((e) => e.compat?.text ?? '').join('');
    expect(text).toContain('first part');
    expect(text).toContain('second part');

    const got = await s.fetch(`/api/v3/runs/${run.run_id}`, { headers: auth(tokens.access_token) });
    expect(await got.json()).toMatchObject({ run_id: run.run_id, status: 'completed', terminal: { is_terminal: true, outcome: 'completed', reason_code: 'success' } });

    // The run is the owner's (the admin's, who started the pairing): agentd sees it too.
    expect((await s.fetch(`/v1/runs/${run.run_id}`, { token: s.adminToken })).status).toBe(200);

    const usage = await s.fetch('/api/v3/usage/tokens?window=1h&backend=scripted', { headers: auth(tokens.access_token) });
    expect(usage.status).toBe(200);
    const totals = ((await usage.json()) as { totals: { run_count: number; input_tokens: number; output_tokens: number } }).totals;
    expect(totals.run_count).toBeGreaterThanOrEqual(1);
    expect(totals.input_tokens).toBeGreaterThanOrEqual(30);
    expect(totals.output_tokens).toBeGreaterThanOrEqual(12);
  });
});
