/**
 * The BUILT package (`@switchboard/sdk`, dist/, as a user installs it) against a real server: the
 * typed client, the event streams over SSE with the token in a header, and the follow helpers'
 * resume after a dropped connection and after the link gives up. Also checks that the shipped
 * declarations compile for a consumer that has only the package, not the server's source.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSwitchboardClient, followRun, followSession, TRPCClientError, type StreamEvent, type SwitchboardClient } from '@switchboard/sdk';
import { startTestServer, type TestServer } from '@/server/testing/harness';

const here = path.dirname(fileURLToPath(import.meta.url));
let s: TestServer;
let client: SwitchboardClient;
let workspace: string;

beforeAll(async () => {
  s = await startTestServer();
  client = createSwitchboardClient({ url: s.url, token: s.adminToken });
  workspace = path.join(s.dataDir, 'workspaces', 'sdk');
  fs.mkdirSync(workspace, { recursive: true });
});
afterAll(() => s.close());

async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const event of events) all.push(event);
  return all;
}

async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const seqs = (events: StreamEvent[]) => events.map((e) => e.seq);
const oneToN = (events: StreamEvent[]) => events.map((_, i) => i + 1);
const saidBy = (events: StreamEvent[]) => events.filter((e) => e.type === 'model_output_completed').map((e) => e.data.text);

/**
 * A fetch whose event streams the test can cut: `drop()` ends every open stream as a lost
 * connection does, and `failNext(n)` answers the next n stream requests with a 502, after which
 * an EventSource gives up instead of reconnecting.
 */
function unreliableFetch() {
  const open = new Set<() => void>();
  let failures = 0;
  const streams: string[] = [];
  const wrapped: typeof fetch = async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (!url.includes('/api/trpc/events.')) return fetch(input, init);
    streams.push(url);
    if (failures > 0) {
      failures--;
      return new Response('bad gateway', { status: 502 });
    }
    const response = await fetch(input, init);
    const upstream = response.body!.getReader();
    let cut!: () => void;
    const dropped = new Promise<null>((resolve) => (cut = () => resolve(null)));
    open.add(cut);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const chunk = await Promise.race([upstream.read(), dropped]);
        if (chunk === null || chunk.done) {
          open.delete(cut);
          await upstream.cancel().catch(() => {});
          controller.close();
          return;
        }
        controller.enqueue(chunk.value);
      },
      cancel: () => upstream.cancel(),
    });
    return new Response(body, { status: response.status, headers: response.headers });
  };
  return {
    fetch: wrapped,
    streams,
    drop: () => [...open].forEach((cut) => cut()),
    failNext: (n: number) => void (failures = n),
  };
}

describe('@switchboard/sdk', () => {
  it('createSwitchboardClient: typed queries and mutations carry the token; without it the server says UNAUTHORIZED', async () => {
    const me = await client.auth.me.query();
    expect(me).toMatchObject({ kind: 'admin' });
    const anonymous = createSwitchboardClient({ url: s.url });
    await expect(anonymous.runs.list.query()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED', httpStatus: 401 } });
  });

  it('followRun drives a run created through the SDK to its terminal event', async () => {
    const run = await client.runs.create.mutate({ workspacePath: workspace, prompt: '::say hello from the sdk' });
    const events = await collect(followRun(client, run.id));
    expect(seqs(events)).toEqual(oneToN(events));
    expect(events[0]!.type).toBe('run_created');
    expect(events.at(-1)!.type).toBe('run_succeeded');
    expect(saidBy(events).join('')).toContain('hello from the sdk');
    expect((await client.runs.get.query({ id: run.id })).status).toBe('succeeded');

    const fromThird = await collect(followRun(client, run.id, { fromSeq: 3 }));
    expect(fromThird).toEqual(events.slice(2));
  });

  it('followRun ends on an unknown run with the NOT_FOUND error, without retrying', async () => {
    const error = await collect(followRun(client, 'run_unknown')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error).toMatchObject({ data: { code: 'NOT_FOUND', httpStatus: 404 } });
  });

  it('followSession resumes after a dropped connection and after the stream link gave up, handing out every event once', async () => {
    const net = unreliableFetch();
    const flaky = createSwitchboardClient({ url: s.url, token: s.adminToken, fetch: net.fetch });
    const session = await flaky.sessions.create.mutate({ workspacePath: workspace });
    const controller = new AbortController();
    const events: StreamEvent[] = [];
    const following = (async () => {
      for await (const event of followSession(flaky, session.id, { signal: controller.signal, retryDelayMs: { min: 50, max: 200 } })) events.push(event);
    })();
    // A turn is over when its turn_completed arrives; only then does the session take the next message.
    const said = (text: string) => () => saidBy(events).includes(text) && events.filter((e) => e.type === 'turn_completed').length === saidBy(events).length;

    await flaky.sessions.send.mutate({ id: session.id, text: '::say one' });
    await eventually(said('one'), 'the first answer');

    // A lost connection: the EventSource reconnects and the server resumes after the last tracked id.
    net.drop();
    await flaky.sessions.send.mutate({ id: session.id, text: '::say two' });
    await eventually(said('two'), 'the answer after the drop');

    // A proxy answering 502: the EventSource gives up; followSession subscribes again from the last seq.
    net.failNext(2);
    net.drop();
    await flaky.sessions.send.mutate({ id: session.id, text: '::say three' });
    await eventually(said('three'), 'the answer after the 502s');

    controller.abort();
    await following;
    expect(seqs(events)).toEqual(oneToN(events));
    expect(saidBy(events)).toEqual(['one', 'two', 'three']);
    expect(net.streams.length).toBeGreaterThanOrEqual(5);
    // The token never travels in a URL.
    for (const url of net.streams) expect(url).not.toContain(s.adminToken);
  });

  it('ships declarations that compile for a consumer without the server source', { timeout: 120_000 }, () => {
    const tsc = path.resolve(here, '../../../node_modules/typescript/bin/tsc');
    let errors = '';
    try {
      execFileSync(process.execPath, [tsc, '-p', path.join(here, 'consumer/tsconfig.json')], { encoding: 'utf8' });
    } catch (failed) {
      errors = String((failed as { stdout?: string }).stdout ?? failed);
    }
    expect(errors).toBe('');
  });
});
