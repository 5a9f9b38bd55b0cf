/**
 * The canonical event subscriptions (`events.run`, `events.session`, `events.global`) as their SSE
 * wire format reaches a client: tracked ids, resume from `lastEventId` or `Last-Event-ID`, the end of
 * a run's stream, errors a client must not retry, and what the global stream shows to whom.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '@/server/testing/harness';
import { openSse, type SseConnection, type SseFrame } from '@/server/testing/sse-client';

let s: TestServer;
let workspace: string;

beforeAll(async () => {
  s = await startTestServer({ SIGNUP_ENABLED: '1' });
  workspace = path.join(s.dataDir, 'workspaces', 'events');
  fs.mkdirSync(workspace, { recursive: true });
});
afterAll(() => s.close());

interface EventDto {
  seq: number;
  type: string;
  data: Record<string, unknown>;
  created_at: string;
  stream?: string;
  stream_seq?: number;
}

const subscriptionUrl = (procedure: string, input?: unknown, query = '') =>
  `${s.url}/api/trpc/events.${procedure}?${input === undefined ? '' : `input=${encodeURIComponent(JSON.stringify(input))}`}${query}`;

function subscribe(procedure: string, input: unknown, opts: { token?: string; headers?: Record<string, string>; query?: string } = {}) {
  const token = opts.token === undefined ? s.adminToken : opts.token;
  return openSse(subscriptionUrl(procedure, input, opts.query), { ...(token ? { authorization: `Bearer ${token}` } : {}), ...opts.headers });
}

/** Data frames carry the tracked seq as the SSE id; tRPC's own frames (connected, ping, return) are named events. */
const isEvent = (f: SseFrame) => f.event === undefined && f.id !== undefined && f.id !== '';
const eventOf = (f: SseFrame) => JSON.parse(f.data) as EventDto;
const eventsOf = (c: SseConnection) => c.frames.filter(isEvent).map(eventOf);
const errorOf = (c: SseConnection) => c.waitFor((f) => f.event === 'serialized-error').then((f) => JSON.parse(f.data) as { message: string; data: { code: string; httpStatus: number } });

async function trpcMutation<T>(procedure: string, input: unknown, token = s.adminToken): Promise<T> {
  const res = await s.fetch(`/api/trpc/${procedure}`, { method: 'POST', token, json: input });
  const body = (await res.json()) as { result?: { data: T }; error?: unknown };
  if (!res.ok) throw new Error(`${procedure}: ${res.status} ${JSON.stringify(body.error)}`);
  return body.result!.data;
}

/** The admin's work goes in a workspace of its choosing; a user's in its own root (`.`). */
const startRun = (prompt: string, token = s.adminToken) =>
  trpcMutation<{ id: string }>('runs.create', { workspacePath: token === s.adminToken ? workspace : '.', prompt }, token).then((r) => r.id);

async function eventually(check: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

async function register(name: string): Promise<string> {
  const res = await s.fetch('/api/auth/register', { method: 'POST', json: { email: `${name}@example.com`, password: 'correct horse battery', username: name } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { access_token: string }).access_token;
}

describe('events.run', () => {
  it('streams a run live, each event tracked by its seq, and ends after the terminal event', async () => {
    const id = await startRun('::say hello from the stream');
    const sse = await subscribe('run', { id });
    expect(sse.status).toBe(200);
    expect(sse.headers.get('content-type')).toContain('text/event-stream');
    await sse.ended;

    const events = eventsOf(sse);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(sse.frames.filter(isEvent).map((f) => f.id)).toEqual(events.map((e) => String(e.seq)));
    expect(events.at(-1)).toMatchObject({ type: 'run_succeeded' });
    const said = events.filter((e) => e.type === 'model_output_completed').map((e) => e.data.text);
    expect(said.join('')).toContain('hello from the stream');
    for (const e of events) expect(Object.keys(e).sort()).toEqual(['created_at', 'data', 'seq', 'type']);
    // tRPC tells the client the stream is over, so it does not reconnect.
    expect(sse.frames.at(-1)).toMatchObject({ event: 'return' });
  });

  it('resumes after lastEventId (input) or Last-Event-ID (header), and a reader past the end is done at once', async () => {
    const id = await startRun('::say one\n::say two');
    const all = await subscribe('run', { id });
    await all.ended;
    const events = eventsOf(all);
    expect(events.length).toBeGreaterThan(3);

    const fromInput = await subscribe('run', { id, lastEventId: '2' });
    await fromInput.ended;
    expect(eventsOf(fromInput)).toEqual(events.slice(2));

    const fromHeader = await subscribe('run', { id }, { headers: { 'last-event-id': '3' } });
    await fromHeader.ended;
    expect(eventsOf(fromHeader)).toEqual(events.slice(3));

    const pastTheEnd = await subscribe('run', { id, lastEventId: String(events.at(-1)!.seq) });
    await pastTheEnd.ended;
    expect(eventsOf(pastTheEnd)).toEqual([]);
    expect(pastTheEnd.frames.at(-1)).toMatchObject({ event: 'return' });
  });

  it('follows a run that is still running: the replay hands over to live events', async () => {
    const id = await startRun('::say before\n::sleep 1500\n::say after');
    const sse = await subscribe('run', { id });
    await sse.waitFor((f) => isEvent(f) && eventOf(f).type === 'model_output_delta');
    expect(eventsOf(sse).map((e) => e.type)).not.toContain('run_succeeded');
    await sse.ended;
    const events = eventsOf(sse);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(events.filter((e) => e.type === 'model_output_delta').map((e) => e.data.text).join('')).toBe('before\nafter');
    expect(events.at(-1)!.type).toBe('run_succeeded');
  });

  it('answers NOT_FOUND for an unknown run and BAD_REQUEST for a malformed cursor, as errors a client does not retry', async () => {
    const missing = await subscribe('run', { id: 'run_does_not_exist' });
    expect(await errorOf(missing)).toMatchObject({ message: 'run not found', data: { code: 'NOT_FOUND', httpStatus: 404 } });
    missing.close();

    const id = await startRun('::say x');
    const malformed = await subscribe('run', { id, lastEventId: 'seven' });
    const error = await errorOf(malformed);
    expect(error.data).toMatchObject({ code: 'BAD_REQUEST', httpStatus: 400 });
    expect(error.message).toContain('lastEventId');
    malformed.close();
  });

  it('needs a credential (header, or ?access_token= on this stream route) with runs:read', async () => {
    const id = await startRun('::say x');
    const anonymous = await subscribe('run', { id }, { token: '' });
    expect((await errorOf(anonymous)).data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });
    anonymous.close();

    const byQuery = await subscribe('run', { id }, { token: '', query: `&access_token=${s.adminToken}` });
    await byQuery.ended;
    expect(eventsOf(byQuery).at(-1)!.type).toBe('run_succeeded');
  });
});

describe('events.session', () => {
  it('streams a session live and keeps the stream open for the next turn', async () => {
    const session = await trpcMutation<{ id: string }>('sessions.create', { workspacePath: workspace });
    const sse = await subscribe('session', { id: session.id });
    // The session takes the next message once the turn is over.
    const turnsCompleted = (n: number) => () => eventsOf(sse).filter((e) => e.type === 'turn_completed').length >= n;
    await trpcMutation('sessions.send', { id: session.id, text: '::say first answer' });
    await sse.waitFor(isEvent);
    await eventually(turnsCompleted(1));
    await trpcMutation('sessions.send', { id: session.id, text: '::say second answer' });
    await eventually(turnsCompleted(2));
    expect(eventsOf(sse).filter((e) => e.type === 'model_output_completed').map((e) => e.data.text)).toEqual(['first answer', 'second answer']);
    const events = eventsOf(sse);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    sse.close();

    const resumed = await subscribe('session', { id: session.id, lastEventId: String(events.length - 1) });
    await resumed.waitFor(isEvent);
    expect(eventsOf(resumed)[0]).toEqual(events.at(-1));
    resumed.close();
  });

  it('answers NOT_FOUND for an unknown session', async () => {
    const sse = await subscribe('session', { id: 'ses_missing' });
    expect((await errorOf(sse)).data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
    sse.close();
  });
});

describe('events.global', () => {
  it('shows the admin every event and anyone else only their own work, naming the origin stream', async () => {
    const alice = await register('alice');
    const bob = await register('bob');
    const admin = await subscribe('global', undefined);
    const aliceSees = await subscribe('global', undefined, { token: alice });
    const bobSees = await subscribe('global', undefined, { token: bob });

    const aliceRun = await startRun('::say from alice', alice);
    const bobRun = await startRun('::say from bob', bob);
    const finished = (run: string) => (f: SseFrame) => isEvent(f) && eventOf(f).stream === `run:${run}` && eventOf(f).type === 'run_succeeded';
    await Promise.all([admin.waitFor(finished(aliceRun)), admin.waitFor(finished(bobRun)), aliceSees.waitFor(finished(aliceRun)), bobSees.waitFor(finished(bobRun))]);

    const streamsIn = (c: SseConnection) => new Set(eventsOf(c).map((e) => e.stream));
    expect([...streamsIn(admin)]).toEqual(expect.arrayContaining([`run:${aliceRun}`, `run:${bobRun}`]));
    expect([...streamsIn(aliceSees)]).toEqual([`run:${aliceRun}`]);
    expect([...streamsIn(bobSees)]).toEqual([`run:${bobRun}`]);

    // Each global event names its seq in its own stream; `data` is the event's own.
    const ownRun = await subscribe('run', { id: aliceRun });
    await ownRun.ended;
    const aliceEvents = eventsOf(aliceSees);
    expect(aliceEvents.map((e) => ({ type: e.type, seq: e.stream_seq, data: e.data }))).toEqual(eventsOf(ownRun).map((e) => ({ type: e.type, seq: e.seq, data: e.data })));
    // The global seq (the event's global position) only grows, and is the tracked id a client resumes with.
    const adminSeqs = eventsOf(admin).map((e) => e.seq);
    expect(adminSeqs).toEqual([...new Set(adminSeqs)].sort((a, b) => a - b));
    expect(aliceSees.frames.filter(isEvent).map((f) => f.id)).toEqual(aliceEvents.map((e) => String(e.seq)));

    // Resuming uses the global seq, filtered the same way.
    const lastSeen = aliceEvents[1]!.seq;
    const resumed = await subscribe('global', { lastEventId: String(lastSeen) }, { token: alice });
    await resumed.waitFor(finished(aliceRun));
    expect(eventsOf(resumed)).toEqual(aliceEvents.slice(2));
    for (const c of [admin, aliceSees, bobSees, resumed]) c.close();
  });

  it('shows the emergency stop and resume to everyone who may read the emergency state, not to a reader without runs:read', async () => {
    const carol = await register('carol');
    const keyRes = await s.fetch('/api/trpc/apiKeys.create', { method: 'POST', token: s.adminToken, json: { name: 'sessions only', scopes: ['sessions:read'] } });
    expect(keyRes.status).toBe(200);
    const sessionsOnly = ((await keyRes.json()) as { result: { data: { key: string } } }).result.data.key;
    const carolSees = await subscribe('global', undefined, { token: carol });
    const narrowSees = await subscribe('global', undefined, { token: sessionsOnly });
    await trpcMutation('emergency.stop', { reason: 'maintenance' });
    // A void input is sent in tRPC's batch form, as its client does.
    const resumed = await s.fetch('/api/trpc/emergency.resume?batch=1', { method: 'POST', token: s.adminToken, json: {} });
    expect(resumed.status).toBe(200);
    const released = (f: SseFrame) => isEvent(f) && eventOf(f).type === 'emergency_stop_released';
    await carolSees.waitFor(released);
    expect(eventsOf(carolSees).map((e) => e.type)).toEqual(['emergency_stop_activated', 'emergency_stop_released']);
    expect(eventsOf(carolSees)[0]!.data).toMatchObject({ reason: 'maintenance' });
    // The narrow key's stream saw the same moments pass and nothing of them.
    const probe = await startRun('::say after the stop');
    const probeDone = (f: SseFrame) => isEvent(f) && eventOf(f).stream === `run:${probe}` && eventOf(f).type === 'run_succeeded';
    const adminSees = await subscribe('global', { lastEventId: String(eventsOf(carolSees)[1]!.seq) });
    await adminSees.waitFor(probeDone);
    expect(eventsOf(narrowSees).filter((e) => e.type.startsWith('emergency'))).toEqual([]);
    for (const c of [carolSees, narrowSees, adminSees]) c.close();
  });

  it('resumes after a global position, and refuses a cursor beyond the largest safe integer', async () => {
    const runId = await startRun('::say resumed');
    const first = await subscribe('global', undefined);
    const done = (f: SseFrame) => isEvent(f) && eventOf(f).stream === `run:${runId}` && eventOf(f).type === 'run_succeeded';
    await first.waitFor(done);
    const seen = eventsOf(first).filter((e) => e.stream === `run:${runId}`);
    first.close();
    const cursor = seen.at(-2)!.seq;
    const resumed = await subscribe('global', { lastEventId: String(cursor) });
    await resumed.waitFor(done);
    expect(eventsOf(resumed).filter((e) => e.stream === `run:${runId}`)).toEqual(seen.slice(-1));
    resumed.close();

    const tooBig = await subscribe('global', { lastEventId: '9999999999999999' });
    expect((await errorOf(tooBig)).data).toMatchObject({ code: 'BAD_REQUEST' });
    tooBig.close();
  });
});

describe('events.* and revocation', () => {
  it('revoking the key that opened a subscription ends it within a second', async () => {
    const created = await trpcMutation<{ id: string; key: string }>('apiKeys.create', { name: 'follower', scopes: ['runs:read', 'sessions:read'] });
    const sse = await subscribe('global', undefined, { token: created.key });
    expect(sse.status).toBe(200);
    await trpcMutation('apiKeys.revoke', { id: created.id });
    const revokedAt = Date.now();
    await sse.ended;
    expect(Date.now() - revokedAt).toBeLessThan(1_000);
    const again = await subscribe('global', undefined, { token: created.key });
    expect((await errorOf(again)).data.httpStatus).toBe(401);
  });
});
