/**
 * The SSE client fleet, run as a child process (forked by bench/sse-fanout.ts): N concurrent
 * node:http connections to one SSE URL, each counting the `id:` frames it receives. It runs in its
 * own process so that parsing 200,000 frames does not compete with the server under test for the
 * same event loop — the server's time is what we want to measure, and on 2 cores the fleet gets
 * the other one.
 *
 * Protocol (process.send / 'message'):
 *   parent → {type:'open', url, clients}   child → {type:'opened', ms, errors, firstError}
 *   parent → {type:'await', target}        child → {type:'reached', target, cpuMs} once every client
 *                                                   has counted >= target id frames in total
 *   parent → {type:'status'}               child → {type:'status', min, max, reached, clients}
 *   parent → {type:'close'}                child → {type:'closed'} and exits
 */
import http from 'node:http';

interface Client {
  count: number;
  tail: string;
  req?: http.ClientRequest;
  res?: http.IncomingMessage;
}

type Command = { type: 'open'; url: string; clients: number } | { type: 'await'; target: number } | { type: 'status' } | { type: 'close' };

const send = (msg: Record<string, unknown>) => process.send!(msg);

const clients: Client[] = [];
let agent: http.Agent | undefined;
let target = 0;
let reached = 0;
/** CPU this process used since the last 'await': tells whether the fleet, not the server, was the limit. */
let cpuAtAwait = process.cpuUsage();
const cpuMsSinceAwait = () => {
  const d = process.cpuUsage(cpuAtAwait);
  return (d.user + d.system) / 1000;
};
let errors = 0;
let firstError = '';

const MARK = '\nid: ';

/**
 * Counts frames by their `id:` line. The stream opens with a comment (": stream open\n\n"), so every
 * id line is preceded by a newline. A 4-character tail carries a mark split across chunks without
 * ever counting one twice (the mark is 5 characters).
 */
function onData(c: Client, chunk: string) {
  const text = c.tail + chunk;
  let n = 0;
  for (let i = text.indexOf(MARK); i >= 0; i = text.indexOf(MARK, i + MARK.length)) n++;
  c.tail = text.slice(-4);
  if (n === 0) return;
  const before = c.count;
  c.count += n;
  if (target > 0 && before < target && c.count >= target) {
    reached++;
    if (reached === clients.length) send({ type: 'reached', target, cpuMs: cpuMsSinceAwait() });
  }
}

function openOne(url: string): Promise<void> {
  return new Promise((resolve) => {
    const c: Client = { count: 0, tail: '' };
    clients.push(c);
    const fail = (err: Error) => {
      errors++;
      firstError ||= `${(err as NodeJS.ErrnoException).code ?? ''} ${err.message}`.trim();
      resolve();
    };
    c.req = http.get(url, { agent, headers: { accept: 'text/event-stream' } }, (res) => {
      c.res = res;
      res.setEncoding('utf8');
      let first = true;
      res.on('data', (chunk: string) => {
        onData(c, chunk);
        // The first bytes (": stream open") mean the server has registered this client.
        if (first) {
          first = false;
          resolve();
        }
      });
      res.on('error', () => {});
    });
    c.req.on('error', fail);
  });
}

async function open(url: string, n: number) {
  // keepAlive + maxSockets above the fleet size: every request gets its own socket at once, no queueing.
  agent = new http.Agent({ keepAlive: true, maxSockets: n + 16, maxTotalSockets: n + 16 });
  const t0 = performance.now();
  // Connect in waves of 100 so the listen backlog never overflows (a dropped SYN retries after 1 s).
  for (let i = 0; i < n; i += 100) {
    await Promise.all(Array.from({ length: Math.min(100, n - i) }, () => openOne(url)));
  }
  send({ type: 'opened', ms: performance.now() - t0, errors, firstError });
}

process.on('message', (msg: Command) => {
  switch (msg.type) {
    case 'open':
      void open(msg.url, msg.clients);
      break;
    case 'await':
      target = msg.target;
      cpuAtAwait = process.cpuUsage();
      reached = clients.filter((c) => c.count >= target).length;
      if (reached === clients.length) send({ type: 'reached', target, cpuMs: 0 });
      break;
    case 'status': {
      const counts = clients.map((c) => c.count);
      send({ type: 'status', min: Math.min(...counts), max: Math.max(...counts), reached, clients: clients.length });
      break;
    }
    case 'close':
      for (const c of clients) {
        c.res?.destroy();
        c.req?.destroy();
      }
      agent?.destroy();
      send({ type: 'closed' });
      process.disconnect();
      break;
  }
});

// If the parent dies, do not linger holding 1,000 sockets.
process.on('disconnect', () => process.exit(0));
