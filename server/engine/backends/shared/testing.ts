/**
 * Test helpers for the backend suites (not a test file itself): collecting events, building
 * requests, and checking that processes really died.
 */
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { BackendEvent, ModelCallRequest, ModelMessage } from '../types';

export async function collect(events: AsyncIterable<BackendEvent>): Promise<BackendEvent[]> {
  const out: BackendEvent[] = [];
  for await (const event of events) out.push(event);
  return out;
}

export function textOf(events: BackendEvent[]): string {
  return events.map((e) => (e.type === 'text_delta' ? e.text : '')).join('');
}

export function request(messages: ModelMessage[], overrides: Partial<ModelCallRequest> = {}): ModelCallRequest {
  return {
    model: 'default',
    messages,
    tools: [],
    workspacePath: process.cwd(),
    signal: new AbortController().signal,
    ...overrides,
  };
}

export function user(text: string): ModelMessage {
  return { role: 'user', content: [{ type: 'text', text }] };
}

/** True while `pid` names a live process (a zombie waiting to be reaped counts as gone). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; `Z` is a zombie (dead, not yet reaped).
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0] !== 'Z';
  } catch {
    return true;
  }
}

export async function waitFor(check: () => boolean, timeoutMs: number, stepMs = 20): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  return check();
}

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TestServer {
  url: string;
  requests: RecordedRequest[];
  /** Resolves when a request's connection closed before the response finished (client aborted). */
  clientGone: Promise<void>;
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1:0. `handler` gets the recorded request (body fully read) and the
 * response to stream into.
 */
export async function startServer(
  handler: (req: RecordedRequest, res: ServerResponse) => unknown,
): Promise<TestServer> {
  const requests: RecordedRequest[] = [];
  let markGone: () => void = () => {};
  const clientGone = new Promise<void>((resolve) => (markGone = resolve));
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      requests.push(recorded);
      res.on('close', () => {
        if (!res.writableFinished) markGone();
      });
      void Promise.resolve(handler(recorded, res)).catch((err: unknown) => {
        res.destroy(err as Error);
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no address');
  return {
    url: `http://127.0.0.1:${address.port}`,
    requests,
    clientGone,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes SSE frames one at a time with a short pause, so the client sees a real stream. */
export async function writeFrames(res: ServerResponse, frames: string[], pauseMs = 2): Promise<void> {
  for (const frame of frames) {
    if (res.destroyed) return;
    res.write(frame);
    await new Promise((r) => setTimeout(r, pauseMs));
  }
}
