import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';

const LIMIT = 4096;
let s: TestServer;
let key: string;

beforeAll(async () => {
  s = await startTestServer({ MAX_UPLOAD_BYTES: String(LIMIT) });
  const res = await s.fetch('/v1/auth/keys', { method: 'POST', token: s.adminToken, json: { name: 'uploader', scopes: ['runs:submit', 'runs:read'] } });
  key = (await res.json()).key;
});
afterAll(() => s.close());

function upload(bytes: number, token = key, name = 'notes.txt') {
  const form = new FormData();
  form.append('file', new Blob([Buffer.alloc(bytes, 'a')], { type: 'text/plain' }), name);
  return s.fetch('/api/v3/files', { method: 'POST', token, body: form });
}

function storedFiles(): string[] {
  const dir = path.join(s.dataDir, 'files');
  return fs.existsSync(dir) ? fs.readdirSync(dir) : [];
}

describe('POST /api/v3/files (multipart)', () => {
  it('stores exactly MAX_UPLOAD_BYTES and reports size, type and sha256', async () => {
    const res = await upload(LIMIT);
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body).toMatchObject({ original_name: 'notes.txt', mime_type: 'text/plain', size_bytes: LIMIT });
    expect(body.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(body.file_id).toMatch(/^file_/);
    const onDisk = fs.readFileSync(path.join(s.dataDir, 'files', body.file_id));
    expect(onDisk.length).toBe(LIMIT);

    const meta = await s.fetch(`/api/v3/files/${body.file_id}`, { token: key });
    expect(meta.status).toBe(200);
    expect(await meta.json()).toEqual(body);
  });

  it('refuses one byte more with 413 and keeps nothing', async () => {
    const before = storedFiles().length;
    const res = await upload(LIMIT + 1);
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ statusCode: 413, code: 'PAYLOAD_TOO_LARGE' });
    expect(storedFiles().length).toBe(before);
  });

  it('refuses a body far over the limit before reading it', async () => {
    const res = await upload(LIMIT * 100);
    expect(res.status).toBe(413);
  });

  it('a JSON body is 400 naming the file field', async () => {
    const res = await s.fetch('/api/v3/files', { method: 'POST', token: key, json: { name: 'x' } });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toContain('file');
  });

  it('the bootstrap token may not upload (EchoHelix: it cannot submit work)', async () => {
    const res = await upload(10, s.adminToken);
    expect(res.status).toBe(403);
    expect((await res.json()).error).toContain('missing scope: runs:submit');
  });

  it('GET /api/v3/files/{file_id} of an unknown id is 404', async () => {
    const res = await s.fetch('/api/v3/files/file_unknown', { token: key });
    expect(res.status).toBe(404);
    expect((await res.json()).code).toContain('NOT_FOUND');
  });
});
