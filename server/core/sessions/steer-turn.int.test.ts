import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminPrincipal } from '@/server/auth/principal';
import type { TurnStatus } from '@/server/core/work/status';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { cancelTurn } from './cancel-turn';
import { createSession } from './create-session';
import { getSession } from './get-session';
import { postMessage } from './post-message';
import { steerTurn } from './steer-turn';

const admin = adminPrincipal();
let s: TestServer;
let workspace: string;
beforeAll(async () => {
  s = await startTestServer();
  workspace = path.join(s.dataDir, 'workspaces', 'steer');
  fs.mkdirSync(workspace, { recursive: true });
});
afterAll(() => s.close());

async function turnStatus(sessionId: string, turnId: string, statuses: TurnStatus[]) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const session = await getSession(s.services, admin, { id: sessionId });
    const turn = session.turns.find((t) => t.id === turnId)!;
    if (statuses.includes(turn.status)) return session;
    if (Date.now() > deadline) throw new Error(`turn is ${turn.status}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('steer and interrupt', () => {
  it('steering adds input to the active turn, which answers it before finishing; no new turn starts', async () => {
    const session = await createSession(s.services, admin, { workspacePath: workspace, origin: 'test' });
    const { turnId } = await postMessage(s.services, admin, { sessionId: session.id, role: 'user', parts: [{ type: 'text', text: '::sleep 3000\n::say first answer' }] });
    await turnStatus(session.id, turnId!, ['running']);
    const steered = await steerTurn(s.services, admin, { sessionId: session.id, text: '::say answer to the steer' });
    expect(steered.turnId).toBe(turnId);
    const done = await turnStatus(session.id, turnId!, ['succeeded']);
    expect(done.turns).toHaveLength(1);
    expect(done.messages.map((m) => [m.role, m.parts[0]?.text])).toEqual([
      ['user', '::sleep 3000\n::say first answer'],
      ['user', '::say answer to the steer'],
      ['assistant', 'first answer'],
      ['assistant', 'answer to the steer'],
    ]);
    await expect(steerTurn(s.services, admin, { sessionId: session.id, text: 'too late' })).rejects.toThrow(/no turn is in progress/);
  });

  it('an interrupt ends the running turn within 1 s with status interrupted; the session takes new input', async () => {
    const session = await createSession(s.services, admin, { workspacePath: workspace, origin: 'test' });
    const { turnId } = await postMessage(s.services, admin, { sessionId: session.id, role: 'user', parts: [{ type: 'text', text: '::sleep 30000' }] });
    await turnStatus(session.id, turnId!, ['running']);
    const started = Date.now();
    await cancelTurn(s.services, admin, { sessionId: session.id, as: 'interrupted' });
    const after = await turnStatus(session.id, turnId!, ['interrupted']);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(after.status).toBe('idle');
    const next = await postMessage(s.services, admin, { sessionId: session.id, role: 'user', parts: [{ type: 'text', text: 'again' }] });
    await turnStatus(session.id, next.turnId!, ['succeeded']);
  });
});
