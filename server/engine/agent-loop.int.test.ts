/**
 * The engine's agent loop against real adapters: an OpenAI-compatible model served by a local HTTP
 * server speaking the streaming Chat Completions wire format, and a Claude Code executable that
 * prints the CLI's stream-json. Nothing in the engine is faked.
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRun } from '@/server/core/runs/create-run';
import { getRun } from '@/server/core/runs/get-run';
import { usageSummary } from '@/server/core/usage/usage-summary';
import { adminPrincipal } from '@/server/auth/principal';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { PROFILES } from '@/server/core/work/policy';

const requests: Array<{ messages: Array<Record<string, unknown>>; tools?: unknown[] }> = [];
let model: http.Server;
let s: TestServer;
let cliDir: string;

function chunk(delta: Record<string, unknown>, finish: string | null = null) {
  return `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
}

beforeAll(async () => {
  model = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      const parsed = JSON.parse(body);
      requests.push(parsed);
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const hasToolResult = parsed.messages.some((m: { role: string }) => m.role === 'tool');
      if (!hasToolResult) {
        res.write(chunk({ role: 'assistant', content: 'Writing ' }));
        res.write(chunk({ content: 'the file.' }));
        res.write(chunk({ tool_calls: [{ index: 0, id: 'call_abc', type: 'function', function: { name: 'write_file', arguments: '{"path":"hello.txt",' } }] }));
        res.write(chunk({ tool_calls: [{ index: 0, function: { arguments: '"content":"hi from the model"}' } }] }, 'tool_calls'));
        res.write(`data: ${JSON.stringify({ id: 'c1', choices: [], usage: { prompt_tokens: 1000, completion_tokens: 200 } })}\n\n`);
      } else {
        res.write(chunk({ role: 'assistant', content: 'Done: hello.txt written.' }, 'stop'));
        res.write(`data: ${JSON.stringify({ id: 'c1', choices: [], usage: { prompt_tokens: 1500, completion_tokens: 20 } })}\n\n`);
      }
      res.end('data: [DONE]\n\n');
    });
  });
  await new Promise<void>((r) => model.listen(0, '127.0.0.1', r));
  const { port } = model.address() as AddressInfo;

  cliDir = fs.mkdtempSync(path.join(process.env.TMPDIR ?? '/tmp', 'switchboard-cli-'));
  const lines = [
    { type: 'system', subtype: 'init', session_id: 's1', tools: ['Bash'], model: 'sonnet' },
    { type: 'assistant', message: { content: [{ type: 'text', text: 'Listing files.' }, { type: 'tool_use', id: 'toolu_1', name: 'Bash', input: { command: 'ls' } }] } },
    { type: 'user', message: { content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: 'README', is_error: false }] } },
    { type: 'assistant', message: { content: [{ type: 'text', text: ' There is a README.' }] } },
    { type: 'result', subtype: 'success', is_error: false, result: 'Listing files. There is a README.', usage: { input_tokens: 321, output_tokens: 45 } },
  ];
  fs.writeFileSync(path.join(cliDir, 'claude'), `#!/usr/bin/env node\nfor (const l of ${JSON.stringify(lines)}) console.log(JSON.stringify(l));\n`, { mode: 0o755 });

  s = await startTestServer({ OPENAI_BASE_URL: `http://127.0.0.1:${port}/v1`, OPENAI_API_KEY: 'sk-test-not-real', PATH: `${cliDir}:${process.env.PATH}` });
});

afterAll(async () => {
  await s.close();
  model.closeAllConnections();
  await new Promise<void>((r) => model.close(() => r()));
  fs.rmSync(cliDir, { recursive: true, force: true });
});

async function finished(id: string) {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const run = await getRun(s.services, adminPrincipal(), { id });
    if (['succeeded', 'failed', 'canceled'].includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run is ${run.status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('agent loop', () => {
  it('openai: streams, calls a tool, feeds the result back, finishes; usage is priced', async () => {
    const workspace = path.join(s.dataDir, 'workspaces', 'oa');
    fs.mkdirSync(workspace, { recursive: true });
    const run = await createRun(s.services, adminPrincipal(), { workspacePath: workspace, prompt: 'write hello.txt', model: 'openai:gpt-4o-mini', policy: PROFILES.trusted, origin: 'test' });
    const done = await finished(run.id);
    expect(done.status).toBe('succeeded');
    expect(fs.readFileSync(path.join(workspace, 'hello.txt'), 'utf8')).toBe('hi from the model');
    expect(done.steps.map((st) => [st.type, st.status])).toEqual([
      ['model_call', 'succeeded'],
      ['tool_call', 'succeeded'],
      ['model_call', 'succeeded'],
    ]);
    // The second request carried the assistant's tool call and the tool's result.
    const second = requests.at(-1)!;
    expect(second.messages.find((m) => m.role === 'assistant')).toMatchObject({ tool_calls: [{ id: 'call_abc', function: { name: 'write_file' } }] });
    expect(second.messages.find((m) => m.role === 'tool')).toMatchObject({ tool_call_id: 'call_abc' });
    expect((requests[0]!.tools as Array<{ function: { name: string } }>).map((t) => t.function.name)).toContain('bash');
    const usage = await usageSummary(s.services, adminPrincipal(), { from: new Date(Date.now() - 60_000), to: new Date(Date.now() + 60_000) });
    const row = usage.rows.find((r) => r.provider === 'openai')!;
    expect(row).toMatchObject({ calls: 2, input_tokens: 2500, output_tokens: 220 });
    expect(row.cost_usd).toBeCloseTo((2500 * 0.15 + 220 * 0.6) / 1_000_000, 10);
  });

  it('claude-code: the CLI runs in the workspace and its stream becomes events', async () => {
    const workspace = path.join(s.dataDir, 'workspaces', 'cc');
    fs.mkdirSync(workspace, { recursive: true });
    const refs = s.services.backends.list().flatMap((b) => b.models().map((m) => m.ref));
    const ref = refs.find((r) => r.startsWith('claude-code:'))!;
    expect(ref).toBeDefined();
    const run = await createRun(s.services, adminPrincipal(), { workspacePath: workspace, prompt: 'what is here?', model: ref, origin: 'test' });
    const done = await finished(run.id);
    expect(done.status).toBe('succeeded');
    const res = await s.fetch(`/v1/runs/${run.id}/events`, { token: s.adminToken });
    const events = [...(await res.text()).matchAll(/^data: (.*)$/gm)].map((m) => JSON.parse(m[1]!));
    expect(events.filter((e) => e.type === 'tool_call_completed')[0]).toMatchObject({ data: { tool_name: 'Bash', output: 'README', external: true } });
    const text = events.filter((e) => e.type === 'model_output_completed').map((e) => e.data.text).join('');
    expect(text).toContain('There is a README.');
  });
});
