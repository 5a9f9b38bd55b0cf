/**
 * A fleet of chat-session clients, run as a child process (forked by bench/sessions-1000.ts) so the
 * clients' parsing does not share the event loop of the server under test. Each client does what an
 * agentd client does: creates a session, follows its SSE stream, and posts user messages whose
 * scripted answers stream back as text deltas. Every frame's `id:` (the stream's seq) is checked on
 * arrival: the first must be 1 and each next one exactly one more, so a lost event shows as a gap
 * and a repeated one as a duplicate.
 *
 * Protocol (process.send / 'message'):
 *   parent → {type:'open', url, token, workspace, sessions}  child → {type:'opened', ms, errors, firstError}
 *   parent → {type:'turn', text}                             child → {type:'turned', ms, errors, firstError}
 *            (posts one message per session at once; answers when every session's turn has ended)
 *   parent → {type:'report'}                                 child → {type:'report', ...Tally}
 *   parent → {type:'close'}                                  child → {type:'closed'} and exits
 */
import http from 'node:http';

export interface Tally {
  sessions: number;
  /** Sessions whose stream is still open. */
  connected: number;
  frames: number;
  gaps: number;
  duplicates: number;
  turnsEnded: number;
  turnsFailed: number;
  textDeltas: number;
}

type Command =
  | { type: 'open'; url: string; token: string; workspace: string; sessions: number }
  | { type: 'turn'; text: string }
  | { type: 'report' }
  | { type: 'close' };

const TURN_END = new Set(['turn_completed', 'turn_failed', 'turn_canceled', 'turn_interrupted']);

interface Session {
  id: string;
  lastSeq: number;
  turnsEnded: number;
  res?: http.IncomingMessage;
  req?: http.ClientRequest;
  buffer: string;
}

const send = (msg: Record<string, unknown>) => process.send!(msg);
const sessions: Session[] = [];
const tally = { frames: 0, gaps: 0, duplicates: 0, turnsFailed: 0, textDeltas: 0 };
let base = '';
let authorization = '';
let errors = 0;
let firstError = '';
/** Called whenever a turn ends somewhere, so 'turn' can answer once every session's has. */
let onTurnEnded = () => {};
const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });

function fail(err: unknown) {
  errors++;
  if (!firstError) firstError = err instanceof Error ? err.message : String(err);
}

async function post(pathname: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${base}${pathname}`, { method: 'POST', headers: { authorization, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Record<string, unknown>;
  if (!res.ok) throw new Error(`POST ${pathname}: ${res.status} ${JSON.stringify(json).slice(0, 200)}`);
  return json;
}

function onFrame(s: Session, block: string) {
  let id: number | undefined;
  let data = '';
  for (const line of block.split('\n')) {
    if (line.startsWith('id: ')) id = Number(line.slice(4));
    else if (line.startsWith('data: ')) data += line.slice(6);
  }
  if (id === undefined) return; // a comment or heartbeat
  tally.frames++;
  if (id <= s.lastSeq) tally.duplicates++;
  else if (id !== s.lastSeq + 1) tally.gaps += id - s.lastSeq - 1;
  s.lastSeq = Math.max(s.lastSeq, id);
  const type = (JSON.parse(data) as { type?: string }).type ?? '';
  if (type.endsWith('_delta')) tally.textDeltas++; // model_output_delta: streamed answer text
  if (TURN_END.has(type)) {
    s.turnsEnded++;
    if (type !== 'turn_completed') tally.turnsFailed++;
    onTurnEnded();
  }
}

function follow(s: Session): Promise<void> {
  return new Promise((resolve, reject) => {
    const req = http.get(`${base}/v1/sessions/${s.id}/events`, { agent, headers: { authorization, accept: 'text/event-stream' } }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new Error(`GET events: ${res.statusCode}`));
        return;
      }
      s.res = res;
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        s.buffer += chunk;
        let idx: number;
        while ((idx = s.buffer.indexOf('\n\n')) >= 0) {
          const block = s.buffer.slice(0, idx);
          s.buffer = s.buffer.slice(idx + 2);
          onFrame(s, block);
        }
      });
      res.on('close', () => (s.res = undefined));
      resolve();
    });
    s.req = req;
    req.on('error', reject);
  });
}

/** Runs `fn` over items with at most `limit` in flight: 1,000 simultaneous creates would only measure the accept queue. */
async function pool<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!).catch(fail);
    }),
  );
}

async function open(cmd: Extract<Command, { type: 'open' }>) {
  base = cmd.url;
  authorization = `Bearer ${cmd.token}`;
  const t0 = performance.now();
  await pool(
    Array.from({ length: cmd.sessions }, (_, i) => i),
    32,
    async () => {
      const created = await post('/v1/sessions', { workspace_path: cmd.workspace });
      const s: Session = { id: String(created.session_id ?? created.id), lastSeq: 0, turnsEnded: 0, buffer: '' };
      sessions.push(s);
      await follow(s);
    },
  );
  send({ type: 'opened', ms: performance.now() - t0, errors, firstError });
}

async function turn(text: string) {
  const t0 = performance.now();
  const target = new Map(sessions.map((s) => [s, s.turnsEnded + 1]));
  const allEnded = new Promise<void>((resolve) => {
    const check = () => {
      if ([...target].every(([s, n]) => s.turnsEnded >= n)) resolve();
    };
    onTurnEnded = check;
    check();
  });
  await Promise.all(
    sessions.map((s) =>
      post(`/v1/sessions/${s.id}/messages`, { role: 'user', parts: [{ type: 'text', text }] }).catch((err) => {
        fail(err);
        target.delete(s); // its turn never started; do not wait for it
      }),
    ),
  );
  onTurnEnded();
  await allEnded;
  send({ type: 'turned', ms: performance.now() - t0, errors, firstError });
}

process.on('message', (cmd: Command) => {
  if (cmd.type === 'open') void open(cmd);
  else if (cmd.type === 'turn') void turn(cmd.text);
  else if (cmd.type === 'report') {
    const report: Tally = {
      sessions: sessions.length,
      connected: sessions.filter((s) => s.res && !s.res.destroyed).length,
      turnsEnded: sessions.reduce((n, s) => n + s.turnsEnded, 0),
      ...tally,
    };
    send({ type: 'report', ...report });
  } else if (cmd.type === 'close') {
    for (const s of sessions) s.req?.destroy();
    agent.destroy();
    send({ type: 'closed' });
    setTimeout(() => process.exit(0), 50);
  }
});
