import { spawn } from 'node:child_process';
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';

const LIMIT = 1024 * 1024;
let s: TestServer;
let key: string;

beforeAll(async () => {
  s = await startTestServer({ MAX_UPLOAD_BYTES: String(LIMIT) });
  const res = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: 'uploader', scopes: ['runs:submit', 'runs:read'] } });
  key = (await res.json()).key;
});
afterAll(() => s.close());

/**
 * fetch + FormData from its own process, as a real client would send it: in the server's process the
 * client and the server share one event loop, which hides how the connection ends.
 */
const FETCH_CLIENT = `
const [url, token, bytes] = process.argv.slice(1);
const form = new FormData();
form.append('file', new Blob([Buffer.alloc(Number(bytes), 'a')], { type: 'application/octet-stream' }), 'big.bin');
try {
  const res = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer ' + token }, body: form });
  console.log(JSON.stringify({ status: res.status, body: await res.text() }));
} catch (err) {
  console.log(JSON.stringify({ error: String(err.cause?.code ?? err.cause ?? err) }));
}`;

function uploadWithFetch(bytes: number): Promise<{ status?: number; body?: string; error?: string }> {
  return new Promise((resolve, reject) => {
    const client = spawn(process.execPath, ['--input-type=module', '-e', FETCH_CLIENT, `${s.url}/api/v3/files`, key, String(bytes)]);
    let out = '';
    client.stdout.on('data', (c) => (out += c));
    client.on('error', reject);
    client.on('close', () => resolve(JSON.parse(out)));
  });
}

function runCurl(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const curl = spawn('curl', ['-sS', ...args]);
    let out = '';
    let err = '';
    curl.stdout.on('data', (c) => (out += c));
    curl.stderr.on('data', (c) => (err += c));
    curl.on('error', reject);
    curl.on('close', (exitCode) => (exitCode === 0 ? resolve(out) : reject(new Error(`curl exited ${exitCode}: ${err}`))));
  });
}

/** curl as a client would run it (`-F file=@…`), with the status printed on a last line of its own. */
async function uploadWithCurl(bytes: number, extraArgs: string[] = []): Promise<{ status: number; body: string }> {
  const file = path.join(s.dataDir, `upload-${bytes}.bin`);
  fs.writeFileSync(file, Buffer.alloc(bytes, 'a'));
  try {
    const out = await runCurl(['-H', `Authorization: Bearer ${key}`, '-F', `file=@${file}`, ...extraArgs, '-w', '\n%{http_code}', `${s.url}/api/v3/files`]);
    const cut = out.lastIndexOf('\n');
    return { status: Number(out.slice(cut + 1)), body: out.slice(0, cut) };
  } finally {
    fs.rmSync(file, { force: true });
  }
}

async function stillServes() {
  const res = await s.fetch('/health');
  expect(res.status).toBe(200);
}

describe('POST /api/v3/files over MAX_UPLOAD_BYTES', () => {
  for (const times of [2, 10]) {
    it(`POST /api/v3/files with fetch + FormData at ${times}× the limit: 413 with the envelope`, async () => {
      const res = await uploadWithFetch(times * LIMIT);
      expect(res).toMatchObject({ status: 413 });
      expect(JSON.parse(res.body!)).toMatchObject({ statusCode: 413, status: 413, code: 'PAYLOAD_TOO_LARGE' });
      await stillServes();
    });

    it(`POST /api/v3/files with curl -F at ${times}× the limit: 413 with the envelope`, async () => {
      const { status, body } = await uploadWithCurl(times * LIMIT);
      expect(status).toBe(413);
      expect(JSON.parse(body)).toMatchObject({ statusCode: 413, status: 413, code: 'PAYLOAD_TOO_LARGE' });
      await stillServes();
    });
  }

  it('POST /api/v3/files with curl and a chunked body (no Content-Length) at 2× the limit: 413 with the envelope', async () => {
    const { status, body } = await uploadWithCurl(2 * LIMIT, ['-H', 'Transfer-Encoding: chunked']);
    expect(status).toBe(413);
    expect(JSON.parse(body)).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    await stillServes();
  });

  // curl itself may give up a connection when the 413 arrives before it has finished sending the
  // body (a race on the client's side, not the server's), so a reconnect is retried, not a failure.
  it('POST /api/v3/files at 2× the limit keeps the connection open: curl sends its next request on it', { retry: 2 }, async () => {
    const file = path.join(s.dataDir, 'upload-keep-alive.bin');
    fs.writeFileSync(file, Buffer.alloc(2 * LIMIT, 'a'));
    const out = await runCurl([
      '-H', `Authorization: Bearer ${key}`, '-F', `file=@${file}`, '-o', '/dev/null', '-w', '%{http_code}\n', `${s.url}/api/v3/files`,
      '--next', '-o', '/dev/null', '-w', '%{http_code} %{num_connects}', `${s.url}/health`,
    ]);
    // The health check needed no new connection.
    expect(out.split('\n')).toEqual(['413', '200 0']);
  });

  it('POST /api/v3/files at exactly the limit is still stored', async () => {
    const res = await uploadWithFetch(LIMIT);
    expect(res).toMatchObject({ status: 201 });
    expect(JSON.parse(res.body!)).toMatchObject({ size_bytes: LIMIT });
  });
});

describe('POST /api/trpc/* has the REST body limit', () => {
  /** Sends headers declaring `declared` bytes and only `sent` of them; resolves with the answer. */
  function postDeclaring(pathname: string, declared: number, sent: number, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; body: string; elapsedMs: number }>((resolve, reject) => {
      const started = Date.now();
      const req = http.request(`${s.url}${pathname}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': String(declared), ...headers },
      });
      req.on('response', (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, elapsedMs: Date.now() - started }));
      });
      req.on('error', reject);
      req.write(Buffer.alloc(sent, 'a'));
    });
  }

  it('POST /api/trpc/apiKeys.create declaring 100 MB, unauthenticated, is 413 before the body is sent', async () => {
    const res = await postDeclaring('/api/trpc/apiKeys.create', 100 * 1024 * 1024, 64 * 1024);
    expect(res.status).toBe(413);
    expect(JSON.parse(res.body)).toMatchObject({ code: 'PAYLOAD_TOO_LARGE', status: 413 });
  });

  it('POST /api/trpc/apiKeys.create with a chunked body over the limit is 413', async () => {
    const res = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${s.url}/api/trpc/apiKeys.create`, {
        method: 'POST',
        // A principal that may create keys, so only the size can refuse it.
        headers: { 'content-type': 'application/json', authorization: `Bearer ${s.adminToken}` },
      });
      req.on('response', (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write('{"name":"');
      req.end(Buffer.alloc(3 * LIMIT, 'a'));
    });
    expect(res).toBe(413);
  });
});
