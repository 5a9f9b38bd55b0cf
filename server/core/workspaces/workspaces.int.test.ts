/**
 * The workspace picker's use cases: each principal sees only its own roots, browsing is confined
 * to them (`..`, absolute paths outside and symbolic links leading out are all "not found"), and
 * recent workspaces are owner-scoped.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTRPCClient, httpLink, TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '@/server/api/root';
import { adminPrincipal, type Principal } from '@/server/auth/principal';
import { USER_SCOPES } from '@/server/auth/scopes';
import * as runs from '@/server/core/runs';
import * as sessions from '@/server/core/sessions';
import { AppError } from '@/server/core/shared/errors';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { BROWSE_MAX_ENTRIES, browseWorkspace, createWorkspaceFolder, listWorkspaceRoots, recentWorkspaces } from './index';

let s: TestServer;
let base: string;
let rootA: string;
let rootB: string;
let outside: string;
const admin = adminPrincipal();
interface User {
  token: string;
  id: string;
  principal: Principal;
}
const alice = { token: '', id: '' } as User;
const bob = { token: '', id: '' } as User;

async function register(username: string, into: User) {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${username}@example.com`, password: 'correct horse battery', username } });
  expect(res.status).toBe(201);
  into.token = ((await res.json()) as { access_token: string }).access_token;
  into.id = ((await (await s.fetch('/api/auth/me', { token: into.token })).json()) as { id: string }).id;
  into.principal = { kind: 'user', id: into.id, userId: into.id, ownerId: into.id, name: username, scopes: new Set(USER_SCOPES), credentials: [] };
}

async function appErrorOf(call: () => Promise<unknown>): Promise<AppError> {
  const err = await call().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected an AppError, got ${String(err)}`);
  return err;
}

const clientFor = (token: string) => createTRPCClient<AppRouter>({ links: [httpLink({ url: `${s.url}/api/trpc`, headers: { authorization: `Bearer ${token}` } })] });
const names = (listing: { folders: Array<{ name: string }> }) => listing.folders.map((f) => f.name);
const userRoot = (u: User) => path.join(rootA, 'users', u.id);

beforeAll(async () => {
  base = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-ws-')));
  rootA = path.join(base, 'root-a');
  rootB = path.join(base, 'root-b');
  outside = path.join(base, 'outside');
  for (const dir of [rootA, rootB, outside, path.join(rootA, 'alpha', 'deeper'), path.join(rootA, 'beta'), path.join(rootA, '.hidden'), path.join(outside, 'secret')]) fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(rootA, 'notes.txt'), 'a file, not a folder');
  fs.symlinkSync(path.join(rootA, 'beta'), path.join(rootA, 'link-in'));
  fs.symlinkSync(outside, path.join(rootA, 'link-out'));
  s = await startTestServer({ SIGNUP_ENABLED: '1', WORKSPACE_ROOTS: `${rootA},${rootB}` });
  await register('alice', alice);
  await register('bob', bob);
}, 60_000);

afterAll(async () => {
  await s?.close();
  fs.rmSync(base, { recursive: true, force: true });
});

describe('workspace roots', () => {
  it('the admin sees every WORKSPACE_ROOT; a user sees only their own root, created for them', async () => {
    expect(await listWorkspaceRoots(s.services, admin)).toEqual({ roots: [{ path: rootA, kind: 'server' }, { path: rootB, kind: 'server' }] });
    expect(await listWorkspaceRoots(s.services, alice.principal)).toEqual({ roots: [{ path: userRoot(alice), kind: 'own' }] });
    expect(fs.statSync(userRoot(alice)).isDirectory()).toBe(true);
    expect(await clientFor(bob.token).workspaces.roots.query()).toEqual({ roots: [{ path: userRoot(bob), kind: 'own' }] });
  });
});

describe('browsing', () => {
  it('lists the folders under a root by name: no files, no dot-folders unless asked, links only when they stay inside', async () => {
    const listing = await browseWorkspace(s.services, admin, { path: rootA });
    expect(listing).toMatchObject({ path: rootA, root: rootA, parent: null, truncated: false });
    expect(names(listing)).toEqual(['alpha', 'beta', 'link-in', 'users']);
    expect(names(await browseWorkspace(s.services, admin, { path: rootA, showHidden: true }))).toEqual(['.hidden', 'alpha', 'beta', 'link-in', 'users']);
    // No path: the first root.
    expect((await browseWorkspace(s.services, admin, {})).path).toBe(rootA);
    const alpha = await browseWorkspace(s.services, admin, { path: path.join(rootA, 'alpha') });
    expect(alpha).toMatchObject({ path: path.join(rootA, 'alpha'), root: rootA, parent: rootA });
    expect(alpha.folders).toEqual([{ name: 'deeper', path: path.join(rootA, 'alpha', 'deeper') }]);
    // A link that stays inside is browsed at its real place.
    expect((await browseWorkspace(s.services, admin, { path: path.join(rootA, 'link-in') })).path).toBe(path.join(rootA, 'beta'));
    expect((await browseWorkspace(s.services, admin, { path: rootB })).root).toBe(rootB);
  });

  it('refuses `..`, absolute paths outside the roots, links leading out, files and missing folders alike (not found)', async () => {
    const refused = [
      path.join(rootA, '..', 'outside'),
      `${rootA}/alpha/../../outside`,
      `${rootA}/alpha/../beta`,
      '../outside',
      outside,
      path.join(outside, 'secret'),
      '/',
      path.join(rootA, 'link-out'),
      path.join(rootA, 'link-out', 'secret'),
      path.join(rootA, 'notes.txt'),
      path.join(rootA, 'missing'),
      `${rootA}\0`,
    ];
    for (const candidate of refused) {
      const err = await appErrorOf(() => browseWorkspace(s.services, admin, { path: candidate }));
      expect(err, candidate).toMatchObject({ kind: 'NOT_FOUND', code: 'WORKSPACE_NOT_FOUND', message: 'folder not found' });
    }
    const viaApi = await clientFor(s.adminToken)
      .workspaces.browse.query({ path: outside })
      .catch((e: unknown) => e);
    expect(viaApi).toBeInstanceOf(TRPCClientError);
    expect((viaApi as TRPCClientError<AppRouter>).data).toMatchObject({ code: 'NOT_FOUND', appCode: 'WORKSPACE_NOT_FOUND' });
  });

  it('a user browses only under their own root: the server roots and other users are not found', async () => {
    fs.mkdirSync(path.join(userRoot(alice), 'mine'), { recursive: true });
    fs.mkdirSync(path.join(userRoot(bob), 'bobs'), { recursive: true });
    const own = await browseWorkspace(s.services, alice.principal, {});
    expect(own).toMatchObject({ path: userRoot(alice), root: userRoot(alice), parent: null });
    expect(names(own)).toEqual(['mine']);
    expect((await browseWorkspace(s.services, alice.principal, { path: 'mine' })).path).toBe(path.join(userRoot(alice), 'mine'));
    for (const candidate of [rootA, rootB, path.join(rootA, 'alpha'), userRoot(bob), path.join(userRoot(bob), 'bobs'), '..', '../' + bob.id]) {
      expect(await appErrorOf(() => browseWorkspace(s.services, alice.principal, { path: candidate })), candidate).toMatchObject({ kind: 'NOT_FOUND' });
    }
    // A link the user planted in their own root does not lead them out either.
    fs.symlinkSync(userRoot(bob), path.join(userRoot(alice), 'to-bob'));
    expect(names(await browseWorkspace(s.services, alice.principal, {}))).toEqual(['mine']);
    expect(await appErrorOf(() => browseWorkspace(s.services, alice.principal, { path: 'to-bob' }))).toMatchObject({ kind: 'NOT_FOUND' });
  });

  it('lists at most BROWSE_MAX_ENTRIES folders and says when there were more', async () => {
    const many = path.join(rootB, 'many');
    for (let i = 0; i < BROWSE_MAX_ENTRIES + 3; i++) fs.mkdirSync(path.join(many, `d${i}`), { recursive: true });
    const listing = await browseWorkspace(s.services, admin, { path: many });
    expect(listing.folders).toHaveLength(BROWSE_MAX_ENTRIES);
    expect(listing.truncated).toBe(true);
    expect(listing.folders.slice(0, 3).map((f) => f.name)).toEqual(['d0', 'd1', 'd2']);
  });

  it('creates a new folder under the roots only, with a plain name', async () => {
    const made = await createWorkspaceFolder(s.services, alice.principal, { parent: userRoot(alice), name: 'new project' });
    expect(made).toEqual({ name: 'new project', path: path.join(userRoot(alice), 'new project') });
    expect(fs.statSync(made.path).isDirectory()).toBe(true);
    expect(await appErrorOf(() => createWorkspaceFolder(s.services, alice.principal, { parent: userRoot(alice), name: 'new project' }))).toMatchObject({ kind: 'CONFLICT' });
    for (const name of ['../escape', '.dot', 'a/b', '']) {
      expect(await appErrorOf(() => createWorkspaceFolder(s.services, alice.principal, { parent: userRoot(alice), name })), name).toMatchObject({ kind: 'BAD_REQUEST', field: 'name' });
    }
    expect(await appErrorOf(() => createWorkspaceFolder(s.services, alice.principal, { parent: userRoot(bob), name: 'intruder' }))).toMatchObject({ kind: 'NOT_FOUND' });
    expect(await appErrorOf(() => createWorkspaceFolder(s.services, admin, { parent: outside, name: 'intruder' }))).toMatchObject({ kind: 'NOT_FOUND' });
    expect(fs.existsSync(path.join(userRoot(bob), 'intruder'))).toBe(false);
    expect(fs.existsSync(path.join(outside, 'intruder'))).toBe(false);
  });
});

describe('recent workspaces', () => {
  async function finished(principal: Principal, id: string) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const run = await runs.getRun(s.services, principal, { id });
      if (['succeeded', 'failed', 'canceled'].includes(run.status)) return run;
      if (Date.now() > deadline) throw new Error(`run ${id} still ${run.status}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it("lists the owner's workspaces of runs and sessions, each once, most recently used first", async () => {
    for (const dir of ['proj-a', 'proj-b', 'gone']) fs.mkdirSync(path.join(userRoot(alice), dir), { recursive: true });
    fs.mkdirSync(path.join(userRoot(bob), 'proj-c'), { recursive: true });
    expect(await recentWorkspaces(s.services, alice.principal)).toEqual({ workspaces: [] });

    const first = await runs.createRun(s.services, alice.principal, { workspacePath: 'proj-a', prompt: '::say one', model: 'scripted:default', origin: 'test' });
    await finished(alice.principal, first.id);
    const gone = await runs.createRun(s.services, alice.principal, { workspacePath: 'gone', prompt: '::say gone', model: 'scripted:default', origin: 'test' });
    await finished(alice.principal, gone.id);
    const second = await runs.createRun(s.services, alice.principal, { workspacePath: 'proj-a', prompt: '::say two', model: 'scripted:default', origin: 'test' });
    await finished(alice.principal, second.id);
    await sessions.createSession(s.services, alice.principal, { workspacePath: 'proj-b', model: 'scripted:default', origin: 'test' });
    const bobs = await runs.createRun(s.services, bob.principal, { workspacePath: 'proj-c', prompt: '::say bob', model: 'scripted:default', origin: 'test' });
    await finished(bob.principal, bobs.id);
    fs.rmSync(path.join(userRoot(alice), 'gone'), { recursive: true });

    const mine = await recentWorkspaces(s.services, alice.principal);
    expect(mine.workspaces.map((w) => w.path)).toEqual([path.join(userRoot(alice), 'proj-b'), path.join(userRoot(alice), 'proj-a')]);
    expect(Date.parse(mine.workspaces[0]!.lastUsedAt)).toBeGreaterThanOrEqual(Date.parse(mine.workspaces[1]!.lastUsedAt));
    expect((await recentWorkspaces(s.services, alice.principal, { limit: 1 })).workspaces.map((w) => w.path)).toEqual([path.join(userRoot(alice), 'proj-b')]);

    // Bob's workspace is not Alice's to see, and hers are not his; the admin sees every owner's.
    expect((await clientFor(bob.token).workspaces.recent.query()).workspaces.map((w) => w.path)).toEqual([path.join(userRoot(bob), 'proj-c')]);
    expect((await clientFor(alice.token).workspaces.recent.query({ limit: 10 })).workspaces.map((w) => w.path)).not.toContain(path.join(userRoot(bob), 'proj-c'));
    expect((await recentWorkspaces(s.services, admin)).workspaces.map((w) => w.path)).toEqual(
      expect.arrayContaining([path.join(userRoot(alice), 'proj-a'), path.join(userRoot(alice), 'proj-b'), path.join(userRoot(bob), 'proj-c')]),
    );
  });
});
