/**
 * Spec files are written on a client's behalf into a workspace the client (or a repository it
 * cloned) controls: a `specs` symlink leading out of the workspace must be refused, never written through.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';

let s: TestServer;
let root: string;
let workspace: string;
let outside: string;

beforeAll(async () => {
  s = await startTestServer();
  root = path.join(s.dataDir, 'workspaces');
});
afterAll(() => s.close());
beforeEach(() => {
  const id = `ws-${Math.random().toString(36).slice(2, 8)}`;
  workspace = path.join(root, id);
  // Outside every workspace root: where an untrusted repo's symlink would like the server to write.
  outside = path.join(s.dataDir, `outside-${id}`);
  fs.mkdirSync(workspace, { recursive: true });
  fs.mkdirSync(outside);
  fs.symlinkSync(outside, path.join(workspace, 'specs'));
});

const post = (p: string, json: unknown) => s.fetch(p, { method: 'POST', token: s.adminToken, json });
const outsideFiles = () => fs.readdirSync(outside, { recursive: true });

describe('spec files behind a symlinked specs directory', () => {
  it('POST /v1/specs/generate is a 400 and writes nothing outside', async () => {
    const res = await post('/v1/specs/generate', { workspace_path: workspace, spec_name: 'escape', prompt: 'Write a spec' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/spec_name: must be inside the workspace/) });
    expect(outsideFiles()).toEqual([]);
  });

  it('POST /v1/specs/generate with overwrite is a 400 when spec.md itself is a symlink out', async () => {
    fs.unlinkSync(path.join(workspace, 'specs'));
    fs.mkdirSync(path.join(workspace, 'specs', 'target'), { recursive: true });
    fs.writeFileSync(path.join(outside, 'victim'), 'untouched\n');
    fs.symlinkSync(path.join(outside, 'victim'), path.join(workspace, 'specs', 'target', 'spec.md'));
    const res = await post('/v1/specs/generate', { workspace_path: workspace, spec_name: 'target', prompt: 'Write a spec', overwrite: true });
    expect(res.status).toBe(400);
    expect(fs.readFileSync(path.join(outside, 'victim'), 'utf8')).toBe('untouched\n');
  });

  it('POST /v1/sessions in spec mode is a 400 and drafts nothing outside', async () => {
    const res = await post('/v1/sessions', { workspace_path: workspace, mode: 'spec' });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: expect.stringMatching(/spec_path: must be inside the workspace/) });
    expect(outsideFiles()).toEqual([]);
  });

  it('POST /v1/sessions/{id}/mode to spec is a 400 and drafts nothing outside', async () => {
    const created = await post('/v1/sessions', { workspace_path: workspace });
    expect(created.status).toBe(200);
    const { session_id: id } = (await created.json()) as { session_id: string };
    const res = await post(`/v1/sessions/${id}/mode`, { mode: 'spec' });
    expect(res.status).toBe(400);
    expect(outsideFiles()).toEqual([]);
  });

  it('a real specs directory still works', async () => {
    fs.unlinkSync(path.join(workspace, 'specs'));
    const res = await post('/v1/sessions', { workspace_path: workspace, mode: 'spec' });
    expect(res.status).toBe(200);
    const { spec_path: specPath } = (await res.json()) as { spec_path: string };
    expect(specPath.startsWith(path.join(workspace, 'specs') + path.sep)).toBe(true);
    expect(fs.readFileSync(specPath, 'utf8')).toMatch(/^# Spec/);
  });
});
