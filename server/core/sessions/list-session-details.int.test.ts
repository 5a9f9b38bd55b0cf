import fs from 'node:fs';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { message, turn } from '@/db/schema';
import { adminPrincipal } from '@/server/auth/principal';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { createSession } from './create-session';
import { getSession, listSessionDetails } from './get-session';
import { postMessage } from './post-message';
import { toMessageDto, toTurnDto } from './session-dto';

const admin = adminPrincipal();
let s: TestServer;
let workspace: string;
const ids: string[] = [];

beforeAll(async () => {
  s = await startTestServer();
  workspace = path.join(s.dataDir, 'workspaces', 'list');
  fs.mkdirSync(workspace, { recursive: true });
  const turns: Array<{ sessionId: string; turnId: string }> = [];
  for (let i = 0; i < 6; i++) {
    const session = await createSession(s.services, admin, { workspacePath: workspace, origin: 'test' });
    // The note goes first: once the user's message has started a turn, the agent's answer may land before anything posted after it.
    await postMessage(s.services, admin, { sessionId: session.id, role: 'system', parts: [{ type: 'text', text: `note ${i}` }] });
    const { turnId } = await postMessage(s.services, admin, { sessionId: session.id, role: 'user', parts: [{ type: 'text', text: `hello ${i}` }] });
    turns.push({ sessionId: session.id, turnId: turnId! });
    ids.unshift(session.id);
  }
  await Promise.all(turns.map(({ sessionId, turnId }) => turnSucceeded(sessionId, turnId)));
});
afterAll(() => s.close());

async function turnSucceeded(sessionId: string, turnId: string): Promise<void> {
  for (const deadline = Date.now() + 20_000; ; ) {
    const detail = await getSession(s.services, admin, { id: sessionId });
    if (detail.turns.find((t) => t.id === turnId)?.status === 'succeeded') return;
    if (Date.now() > deadline) throw new Error(`turn ${turnId} did not finish`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Statements that read sessions or their messages, issued while `read` runs. */
async function statementsOf<T>(read: () => Promise<T>): Promise<{ result: T; statements: number }> {
  const spy = vi.spyOn(PgDialect.prototype, 'sqlToQuery');
  try {
    const result = await read();
    const statements = spy.mock.results.filter((r) => r.type === 'return' && /"(agent_session|message)"/.test(r.value.sql)).length;
    return { result, statements };
  } finally {
    spy.mockRestore();
  }
}

describe('GET /v1/sessions', () => {
  it('reads a page of sessions with their messages and turns in the same few statements whatever the page size', async () => {
    const small = await statementsOf(() => listSessionDetails(s.services, admin, { limit: 2 }));
    const large = await statementsOf(() => listSessionDetails(s.services, admin, { limit: 6 }));
    expect(small.result.sessions).toHaveLength(2);
    expect(large.result.sessions).toHaveLength(6);
    expect(small.statements).toBeGreaterThan(0);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(2);
  });

  it('gives each session exactly what GET /v1/sessions/{session_id} gives, most recent first, with the total', async () => {
    const page = await listSessionDetails(s.services, admin, { limit: 4, offset: 1 });
    expect(page.total).toBe(6);
    expect(page.sessions.map((x) => x.id)).toEqual(ids.slice(1, 5));
    for (const listed of page.sessions) {
      expect(listed).toEqual(await getSession(s.services, admin, { id: listed.id }));
      expect(listed.messages.map((m) => [m.role, m.sequence])).toEqual([
        ['system', 1],
        ['user', 2],
        ['assistant', 3],
      ]);
      expect(listed.turns.map((t) => t.status)).toEqual(['succeeded']);
      // The children come back aggregated as JSON: times and parts must survive it as a plain read gives them.
      const { db } = s.services;
      expect(listed.messages).toEqual((await db.select().from(message).where(eq(message.sessionId, listed.id)).orderBy(asc(message.sequence))).map(toMessageDto));
      expect(listed.turns).toEqual((await db.select().from(turn).where(eq(turn.sessionId, listed.id)).orderBy(asc(turn.index))).map(toTurnDto));
    }
    const overHttp = (await (await s.fetch('/v1/sessions?limit=4&offset=1', { token: s.adminToken })).json()) as Array<{ id: string; messages: unknown[]; turns: unknown[] }>;
    expect(overHttp.map((x) => [x.id, x.messages.length, x.turns.length])).toEqual(ids.slice(1, 5).map((id) => [id, 3, 1]));
  });
});
