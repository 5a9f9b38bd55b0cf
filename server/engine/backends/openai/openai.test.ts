import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, request, startServer, user, writeFrames, type TestServer } from '../shared/testing';
import type { ModelMessage, ToolSpec } from '../types';
import { createOpenAIBackend } from './openai';

const API_KEY = 'sk-test-0123456789abcdef';

const base = { id: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT', object: 'chat.completion.chunk', created: 1727000000, model: 'gpt-4o-mini-2024-07-18', system_fingerprint: 'fp_e2bde53e6e' };
const frame = (payload: object) => `data: ${JSON.stringify({ ...base, ...payload })}\n\n`;
const delta = (d: object, finish: string | null = null) => frame({ choices: [{ index: 0, delta: d, logprobs: null, finish_reason: finish }], usage: null });

/** What api.openai.com streams for "say something, then call two tools". */
const TOOL_STREAM = [
  delta({ role: 'assistant', content: '', refusal: null }),
  delta({ content: 'Let me' }),
  delta({ content: ' check' }),
  delta({ content: ' that.' }),
  delta({ tool_calls: [{ index: 0, id: 'call_Xyz123', type: 'function', function: { name: 'bash', arguments: '' } }] }),
  delta({ tool_calls: [{ index: 0, function: { arguments: '{"com' } }] }),
  delta({ tool_calls: [{ index: 0, function: { arguments: 'mand": "ec' } }] }),
  delta({ tool_calls: [{ index: 0, function: { arguments: 'ho hi"}' } }] }),
  delta({ tool_calls: [{ index: 1, id: 'call_Abc456', type: 'function', function: { name: 'read_file', arguments: '' } }] }),
  delta({ tool_calls: [{ index: 1, function: { arguments: '{"path":' } }] }),
  delta({ tool_calls: [{ index: 1, function: { arguments: ' "README.md"}' } }] }),
  delta({}, 'tool_calls'),
  frame({ choices: [], usage: { prompt_tokens: 412, completion_tokens: 57, total_tokens: 469, prompt_tokens_details: { cached_tokens: 0 } } }),
  'data: [DONE]\n\n',
];

const TOOLS: ToolSpec[] = [
  { name: 'bash', description: 'Run a shell command', inputSchema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
  { name: 'read_file', description: 'Read a file', inputSchema: { type: 'object', properties: { path: { type: 'string' } } } },
];

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function sse(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
}

describe('openai backend', () => {
  it('sends a Chat Completions request and parses text, split tool calls and usage', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      await writeFrames(res, TOOL_STREAM);
      res.end();
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'openai-test-'));
    const image = path.join(dir, 'shot.png');
    writeFileSync(image, Buffer.from([0x89, 0x50, 0x4e, 0x47]));

    const messages: ModelMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image', path: image, workspace: path.dirname(image), mimeType: 'image/png' }] },
      { role: 'assistant', text: 'Let me look.', toolCalls: [{ id: 'call_prev', name: 'bash', input: { command: 'ls' } }] },
      { role: 'tool', toolCallId: 'call_prev', toolName: 'bash', output: 'shot.png\n', isError: false },
      { role: 'assistant', text: '', toolCalls: [{ id: 'call_bad', name: 'bash', input: { command: 'false' } }] },
      { role: 'tool', toolCallId: 'call_bad', toolName: 'bash', output: 'exit 1', isError: true },
      user('Now run echo.'),
    ];
    const backend = createOpenAIBackend({ baseUrl: `${server.url}/v1/`, apiKey: API_KEY, models: ['gpt-4o-mini'] });
    const events = await collect(backend.call(request(messages, { model: 'gpt-4o-mini', system: 'You are terse.', tools: TOOLS })));

    expect(server.requests).toHaveLength(1);
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/chat/completions');
    expect(req.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(req.headers['content-type']).toBe('application/json');
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({ model: 'gpt-4o-mini', stream: true, stream_options: { include_usage: true } });
    expect(body.tools).toEqual([
      { type: 'function', function: { name: 'bash', description: 'Run a shell command', parameters: TOOLS[0]!.inputSchema } },
      { type: 'function', function: { name: 'read_file', description: 'Read a file', parameters: TOOLS[1]!.inputSchema } },
    ]);
    expect(body.messages).toEqual([
      { role: 'system', content: 'You are terse.' },
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is in this picture?' },
          { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw==' } },
        ],
      },
      { role: 'assistant', content: 'Let me look.', tool_calls: [{ id: 'call_prev', type: 'function', function: { name: 'bash', arguments: '{"command":"ls"}' } }] },
      { role: 'tool', tool_call_id: 'call_prev', content: 'shot.png\n' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'call_bad', type: 'function', function: { name: 'bash', arguments: '{"command":"false"}' } }] },
      { role: 'tool', tool_call_id: 'call_bad', content: 'Error: exit 1' },
      { role: 'user', content: 'Now run echo.' },
    ]);

    expect(events).toEqual([
      { type: 'text_delta', text: 'Let me' },
      { type: 'text_delta', text: ' check' },
      { type: 'text_delta', text: ' that.' },
      { type: 'tool_call', call: { id: 'call_Xyz123', name: 'bash', input: { command: 'echo hi' } } },
      { type: 'tool_call', call: { id: 'call_Abc456', name: 'read_file', input: { path: 'README.md' } } },
      { type: 'usage', inputTokens: 412, outputTokens: 57 },
    ]);
  });

  it('omits tools when there are none and sends no auth header without a key (Ollama)', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      // Ollama: whole tool calls without `index`, no usage chunk.
      await writeFrames(res, [
        'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"llama3.1","choices":[{"index":0,"delta":{"role":"assistant","content":"ok"},"finish_reason":null}]}\n\n',
        'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"llama3.1","choices":[{"index":0,"delta":{"role":"assistant","content":"","tool_calls":[{"id":"call_q1","function":{"name":"bash","arguments":"{\\"command\\":\\"pwd\\"}"}}]},"finish_reason":null}]}\n\n',
        'data: {"id":"chatcmpl-1","object":"chat.completion.chunk","model":"llama3.1","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":"tool_calls"}]}\n\n',
        'data: [DONE]\n\n',
      ]);
      res.end();
    });
    const backend = createOpenAIBackend({ baseUrl: `${server.url}/v1`, models: ['llama3.1'] });
    const events = await collect(backend.call(request([user('where am I?')], { model: 'llama3.1' })));
    const req = server.requests[0]!;
    expect(req.headers.authorization).toBeUndefined();
    expect(JSON.parse(req.body).tools).toBeUndefined();
    expect(events[0]).toEqual({ type: 'text_delta', text: 'ok' });
    expect(events[1]).toEqual({ type: 'tool_call', call: { id: 'call_q1', name: 'bash', input: { command: 'pwd' } } });
    // No usage chunk: an estimate, so metering still has numbers.
    expect(events[2]).toMatchObject({ type: 'usage' });
    expect(events[2]!.type === 'usage' && events[2]!.inputTokens).toBeGreaterThan(0);
  });

  it('passes malformed tool arguments through as the raw string', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      await writeFrames(res, [
        delta({ tool_calls: [{ index: 0, id: 'call_1', type: 'function', function: { name: 'bash', arguments: '{"command": ' } }] }),
        delta({}, 'tool_calls'),
        'data: [DONE]\n\n',
      ]);
      res.end();
    });
    const events = await collect(createOpenAIBackend({ baseUrl: server.url, apiKey: API_KEY }).call(request([user('go')])));
    expect(events[0]).toEqual({ type: 'tool_call', call: { id: 'call_1', name: 'bash', input: '{"command": ' } });
  });

  it('turns HTTP 401 into an error event with the status and provider message, never the key', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        error: {
          message: `Incorrect API key provided: ${API_KEY}. You can find your API key at https://platform.openai.com/account/api-keys.`,
          type: 'invalid_request_error',
          param: null,
          code: 'invalid_api_key',
        },
      }));
    });
    const events = await collect(createOpenAIBackend({ baseUrl: server.url, apiKey: API_KEY }).call(request([user('hi')])));
    expect(events).toHaveLength(1);
    const event = events[0]!;
    expect(event.type).toBe('error');
    const message = event.type === 'error' ? event.message : '';
    expect(message).toMatch(/^openai: HTTP 401: Incorrect API key provided: \*\*\*/);
    expect(message).toContain('invalid_request_error');
    expect(message).not.toContain(API_KEY);
  });

  it('reports errors sent inside the stream', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      await writeFrames(res, [delta({ content: 'Hel' }), 'data: {"error":{"message":"upstream overloaded","type":"server_error"}}\n\n']);
      res.end();
    });
    const events = await collect(createOpenAIBackend({ baseUrl: server.url }).call(request([user('hi')])));
    expect(events).toEqual([
      { type: 'text_delta', text: 'Hel' },
      { type: 'error', message: 'openai: upstream overloaded' },
    ]);
  });

  it('reports a stream cut off before it finished', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      await writeFrames(res, [delta({ content: 'partial' })]);
      res.end();
    });
    const events = await collect(createOpenAIBackend({ baseUrl: server.url }).call(request([user('hi')])));
    expect(events.at(-1)).toEqual({ type: 'error', message: 'openai: the stream ended before the completion finished' });
  });

  it('reports an unreachable server', async () => {
    server = await startServer((_req, res) => res.end());
    const url = server.url;
    await server.close();
    server = undefined;
    const events = await collect(createOpenAIBackend({ baseUrl: url, apiKey: API_KEY }).call(request([user('hi')])));
    expect(events).toHaveLength(1);
    expect(events[0]!.type === 'error' && events[0]!.message).toMatch(/^openai: request to .* failed: .*ECONNREFUSED/);
  });

  it('reports an unreadable image instead of sending the request', async () => {
    server = await startServer((_req, res) => res.end());
    const messages: ModelMessage[] = [{ role: 'user', content: [{ type: 'image', path: '/nonexistent/x.png', workspace: '/nonexistent', mimeType: 'image/png' }] }];
    const events = await collect(createOpenAIBackend({ baseUrl: server.url }).call(request(messages)));
    expect(events[0]!.type === 'error' && events[0]!.message).toMatch(/cannot prepare the request: the workspace \/nonexistent does not exist/);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses an image ref that has become a symlink out of the workspace since it was posted', async () => {
    server = await startServer((_req, res) => res.end());
    const base = mkdtempSync(path.join(tmpdir(), 'openai-image-'));
    const workspace = path.join(base, 'ws');
    mkdirSync(workspace);
    writeFileSync(path.join(base, 'secret.png'), 'host secret');
    symlinkSync(path.join(base, 'secret.png'), path.join(workspace, 'shot.png'));
    const messages: ModelMessage[] = [{ role: 'user', content: [{ type: 'image', path: path.join(workspace, 'shot.png'), workspace, mimeType: 'image/png' }] }];
    const events = await collect(createOpenAIBackend({ baseUrl: server.url }).call(request(messages)));
    expect(events).toEqual([{ type: 'error', message: expect.stringMatching(/cannot prepare the request: .*leads outside the workspace through a symbolic link/) }]);
    expect(server.requests).toHaveLength(0);
  });

  it('stops promptly and closes the connection when aborted mid-stream', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      await writeFrames(res, [delta({ role: 'assistant', content: '' }), delta({ content: 'Thinking' })]);
      // …and then the model goes quiet; only the abort ends this.
    });
    const controller = new AbortController();
    const seen: string[] = [];
    let abortedAt = 0;
    for await (const event of createOpenAIBackend({ baseUrl: server.url }).call(request([user('hi')], { signal: controller.signal }))) {
      seen.push(event.type);
      if (event.type === 'text_delta') {
        abortedAt = Date.now();
        controller.abort();
      }
    }
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(seen).toEqual(['text_delta']);
    await server.clientGone;
  });

  it('stops promptly when aborted before the response headers arrive', async () => {
    server = await startServer(() => {
      // never answers
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const started = Date.now();
    const events = await collect(createOpenAIBackend({ baseUrl: server.url }).call(request([user('hi')], { signal: controller.signal })));
    expect(events).toEqual([]);
    expect(Date.now() - started).toBeLessThan(500);
  });

  it('lists its models with pricing and probes health via /models', async () => {
    const backend = createOpenAIBackend({ apiKey: API_KEY, models: ['gpt-4o-mini', 'gpt-4o', 'llama3.1:8b'] });
    expect(backend.models().map((m) => [m.ref, m.pricing.inputPerMTok, m.pricing.outputPerMTok, m.capabilities.vision])).toEqual([
      ['openai:gpt-4o-mini', 0.15, 0.6, true],
      ['openai:gpt-4o', 2.5, 10, true],
      ['openai:llama3.1:8b', 0, 0, false],
    ]);
    server = await startServer((req, res) => {
      const ok = req.url === '/v1/models' && req.headers.authorization === `Bearer ${API_KEY}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(ok ? '{"object":"list","data":[]}' : '{"error":{"message":"bad key"}}');
    });
    expect(await createOpenAIBackend({ baseUrl: `${server.url}/v1`, apiKey: API_KEY }).health()).toMatchObject({ ok: true });
    const bad = await createOpenAIBackend({ baseUrl: `${server.url}/v1`, apiKey: 'sk-wrong-key' }).health();
    expect(bad).toEqual({ ok: false, message: 'HTTP 401: bad key' });
  });
});
