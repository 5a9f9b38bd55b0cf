import { mkdtempSync, writeFileSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, request, startServer, user, writeFrames, type TestServer } from '../shared/testing';
import type { ModelMessage, ToolSpec } from '../types';
import { createAnthropicBackend } from './anthropic';

const API_KEY = 'sk-ant-api03-test-key-0123456789';
const ev = (name: string, data: object | string) => `event: ${name}\ndata: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;

/** What api.anthropic.com streams for "some text, then a tool_use whose input arrives in pieces". */
const TOOL_STREAM = [
  ev('message_start', {
    type: 'message_start',
    message: {
      id: 'msg_01XFDUDYJgAACzvnptvVoYEL', type: 'message', role: 'assistant', content: [], model: 'claude-sonnet-4-5-20250929',
      stop_reason: null, stop_sequence: null,
      usage: { input_tokens: 472, cache_creation_input_tokens: 0, cache_read_input_tokens: 10, output_tokens: 2, service_tier: 'standard' },
    },
  }),
  ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } }),
  ev('ping', '{"type": "ping"}'),
  ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Okay,' } }),
  ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' running' } }),
  ev('content_block_delta', { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: ' it.' } }),
  ev('content_block_stop', { type: 'content_block_stop', index: 0 }),
  ev('content_block_start', { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'bash', input: {} } }),
  ev('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '' } }),
  ev('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"comma' } }),
  ev('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: 'nd": "echo' } }),
  ev('content_block_delta', { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: ' hi"}' } }),
  ev('content_block_stop', { type: 'content_block_stop', index: 1 }),
  ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 89 } }),
  ev('message_stop', { type: 'message_stop' }),
];

const TOOLS: ToolSpec[] = [
  { name: 'bash', description: 'Run a shell command', inputSchema: { type: 'object', properties: { command: { type: 'string' } }, required: ['command'] } },
];

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function sse(res: ServerResponse) {
  res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': 'req_011' });
}

describe('anthropic backend', () => {
  it('sends a Messages request and parses text, a split tool_use and usage', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      await writeFrames(res, TOOL_STREAM);
      res.end();
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'anthropic-test-'));
    const image = path.join(dir, 'diagram.jpg');
    writeFileSync(image, Buffer.from('fake-jpeg'));

    const messages: ModelMessage[] = [
      { role: 'user', content: [{ type: 'text', text: 'Describe this and list files.' }, { type: 'image', path: image, workspace: path.dirname(image), mimeType: 'image/jpeg' }] },
      {
        role: 'assistant',
        text: 'A diagram. Listing now.',
        toolCalls: [
          { id: 'toolu_a', name: 'bash', input: { command: 'ls' } },
          { id: 'toolu_b', name: 'bash', input: { command: 'cat nope' } },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_a', toolName: 'bash', output: 'diagram.jpg', isError: false },
      { role: 'tool', toolCallId: 'toolu_b', toolName: 'bash', output: 'No such file', isError: true },
      user('Now echo hi.'),
    ];
    const backend = createAnthropicBackend({ baseUrl: server.url, apiKey: API_KEY, maxTokens: 1024 });
    const events = await collect(backend.call(request(messages, { model: 'claude-sonnet-4-5', system: 'Be brief.', tools: TOOLS })));

    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(req.url).toBe('/v1/messages');
    expect(req.headers['x-api-key']).toBe(API_KEY);
    expect(req.headers['anthropic-version']).toBe('2023-06-01');
    expect(req.headers.authorization).toBeUndefined();
    const body = JSON.parse(req.body);
    expect(body).toMatchObject({ model: 'claude-sonnet-4-5', max_tokens: 1024, system: 'Be brief.', stream: true });
    expect(body.tools).toEqual([{ name: 'bash', description: 'Run a shell command', input_schema: TOOLS[0]!.inputSchema }]);
    expect(body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'Describe this and list files.' },
          { type: 'image', source: { type: 'base64', media_type: 'image/jpeg', data: Buffer.from('fake-jpeg').toString('base64') } },
        ],
      },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'A diagram. Listing now.' },
          { type: 'tool_use', id: 'toolu_a', name: 'bash', input: { command: 'ls' } },
          { type: 'tool_use', id: 'toolu_b', name: 'bash', input: { command: 'cat nope' } },
        ],
      },
      {
        // Both results and the follow-up text share one user turn: the API requires alternation.
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_a', content: 'diagram.jpg', is_error: false },
          { type: 'tool_result', tool_use_id: 'toolu_b', content: 'No such file', is_error: true },
          { type: 'text', text: 'Now echo hi.' },
        ],
      },
    ]);

    expect(events).toEqual([
      { type: 'text_delta', text: 'Okay,' },
      { type: 'text_delta', text: ' running' },
      { type: 'text_delta', text: ' it.' },
      { type: 'tool_call', call: { id: 'toolu_01T1x1fJ34qAmk2tNTrN7Up6', name: 'bash', input: { command: 'echo hi' } } },
      { type: 'usage', inputTokens: 482, outputTokens: 89 },
    ]);
  });

  it('handles a tool_use with no input and no tools or system in the request', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      await writeFrames(res, [
        TOOL_STREAM[0]!,
        ev('content_block_start', { type: 'content_block_start', index: 0, content_block: { type: 'tool_use', id: 'toolu_x', name: 'list_files', input: {} } }),
        ev('content_block_stop', { type: 'content_block_stop', index: 0 }),
        ev('message_delta', { type: 'message_delta', delta: { stop_reason: 'tool_use' }, usage: { output_tokens: 12 } }),
        ev('message_stop', { type: 'message_stop' }),
      ]);
      res.end();
    });
    const events = await collect(createAnthropicBackend({ baseUrl: server.url, apiKey: API_KEY }).call(request([user('files?')], { model: 'claude-haiku-4-5' })));
    const body = JSON.parse(server.requests[0]!.body);
    expect(body.system).toBeUndefined();
    expect(body.tools).toBeUndefined();
    expect(body.max_tokens).toBe(8192);
    expect(events).toEqual([
      { type: 'tool_call', call: { id: 'toolu_x', name: 'list_files', input: {} } },
      { type: 'usage', inputTokens: 482, outputTokens: 12 },
    ]);
  });

  it('leaves out whitespace-only text and empty tool output, which the API rejects', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      await writeFrames(res, [TOOL_STREAM[0]!, TOOL_STREAM[13]!, TOOL_STREAM[14]!]);
      res.end();
    });
    const messages: ModelMessage[] = [
      user('touch a'),
      { role: 'assistant', text: '\n', toolCalls: [{ id: 'toolu_t', name: 'bash', input: 'touch a' }] },
      { role: 'tool', toolCallId: 'toolu_t', toolName: 'bash', output: '', isError: false },
    ];
    const events = await collect(createAnthropicBackend({ baseUrl: server.url, apiKey: API_KEY }).call(request(messages)));
    expect(JSON.parse(server.requests[0]!.body).messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'touch a' }] },
      { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_t', name: 'bash', input: { value: 'touch a' } }] },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_t', is_error: false }] },
    ]);
    expect(events).toEqual([{ type: 'usage', inputTokens: 482, outputTokens: 89 }]);
  });

  it('turns HTTP 401 into an error event with the status and provider message, never the key', async () => {
    server = await startServer((_req, res) => {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${API_KEY}` }, request_id: 'req_011CSHoEeqs5C35K2UUqR7Fy' }));
    });
    const events = await collect(createAnthropicBackend({ baseUrl: server.url, apiKey: API_KEY }).call(request([user('hi')])));
    expect(events).toEqual([{ type: 'error', message: 'anthropic: HTTP 401: invalid x-api-key *** (authentication_error)' }]);
  });

  it('reports an error event inside the stream and stops there', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      await writeFrames(res, [
        TOOL_STREAM[0]!,
        TOOL_STREAM[1]!,
        TOOL_STREAM[3]!,
        ev('error', { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }),
      ]);
      res.end();
    });
    const events = await collect(createAnthropicBackend({ baseUrl: server.url, apiKey: API_KEY }).call(request([user('hi')])));
    expect(events).toEqual([
      { type: 'text_delta', text: 'Okay,' },
      { type: 'error', message: 'anthropic: Overloaded (overloaded_error)' },
    ]);
  });

  it('reports a stream cut off before message_stop', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      await writeFrames(res, TOOL_STREAM.slice(0, 5));
      res.end();
    });
    const events = await collect(createAnthropicBackend({ baseUrl: server.url, apiKey: API_KEY }).call(request([user('hi')])));
    expect(events.at(-1)).toEqual({ type: 'error', message: 'anthropic: the stream ended before message_stop' });
  });

  it('stops promptly and closes the connection when aborted mid-stream', async () => {
    server = await startServer(async (_req, res) => {
      sse(res);
      await writeFrames(res, TOOL_STREAM.slice(0, 4));
      // then silence
    });
    const controller = new AbortController();
    const seen: string[] = [];
    let abortedAt = 0;
    const backend = createAnthropicBackend({ baseUrl: server.url, apiKey: API_KEY });
    for await (const event of backend.call(request([user('hi')], { signal: controller.signal }))) {
      seen.push(event.type);
      abortedAt = Date.now();
      controller.abort();
    }
    expect(Date.now() - abortedAt).toBeLessThan(500);
    expect(seen).toEqual(['text_delta']);
    await server.clientGone;
  });

  it('lists its models with pricing and probes health', async () => {
    const backend = createAnthropicBackend({ apiKey: API_KEY, models: ['claude-sonnet-4-5', 'claude-haiku-4-5-20251001'] });
    expect(backend.models().map((m) => [m.ref, m.pricing, m.capabilities])).toEqual([
      ['anthropic:claude-sonnet-4-5', { inputPerMTok: 3, outputPerMTok: 15 }, { tools: true, vision: true, streaming: true }],
      ['anthropic:claude-haiku-4-5-20251001', { inputPerMTok: 1, outputPerMTok: 5 }, { tools: true, vision: true, streaming: true }],
    ]);
    server = await startServer((req, res) => {
      const ok = req.url === '/v1/models' && req.headers['x-api-key'] === API_KEY && req.headers['anthropic-version'] === '2023-06-01';
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' });
      res.end(ok ? '{"data":[],"has_more":false}' : '{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}');
    });
    expect((await createAnthropicBackend({ baseUrl: server.url, apiKey: API_KEY }).health()).ok).toBe(true);
    expect(await createAnthropicBackend({ baseUrl: server.url, apiKey: 'wrong-key' }).health()).toEqual({
      ok: false,
      message: 'HTTP 401: invalid x-api-key (authentication_error)',
    });
  });
});
