/**
 * The client side of the fan-out benches, run in a child process (forked by lib/fanout.ts) so that
 * parsing hundreds of thousands of frames does not compete with the server under test for its event
 * loop — on 2 cores the fleet gets the other one. A transport (lib/sse-clients.ts, lib/ws-clients.ts)
 * opens one client and reports each event frame's id (seq); everything else is here.
 *
 * Protocol (process.send / 'message'):
 *   parent → {type:'open', url, clients}    child → {type:'opened', ms, errors, firstError}
 *   parent → {type:'await', target}         child → {type:'reached', target, cpuMs} once every client
 *                                                    has counted >= target frames
 *   parent → {type:'record'}                child starts recording each frame's arrival time
 *   parent → {type:'arrivals'}              child → {type:'arrivals', flat: [id, epochMs, ...]} and stops recording
 *   parent → {type:'storm', url, clients, fromSeqs, lastSeq}
 *                                           child → {type:'caught-up', ms, errors, firstError, violations}
 *                                                    once every client (client i resuming from
 *                                                    fromSeqs[i % n]) has every frame up to lastSeq;
 *                                                    a violation is a frame other than the next seq
 *                                                    expected (a gap, a duplicate, out of order)
 *   parent → {type:'status'}                child → {type:'status', min, max, reached, clients}
 *   parent → {type:'close'}                 child → {type:'closed'} and exits
 */

export interface Transport {
  /**
   * Opens one client and resolves once the server has registered it (its first bytes arrived, or
   * the socket opened); `onFrame` gets each event frame's id. `fromSeq` asks for a resume (inclusive).
   */
  open(url: string, onFrame: (id: number) => void, fromSeq?: number): Promise<{ close(): void }>;
}

interface Client {
  count: number;
  expected: number;
  close?: () => void;
}

type Command =
  | { type: 'open'; url: string; clients: number }
  | { type: 'storm'; url: string; clients: number; fromSeqs: number[]; lastSeq: number }
  | { type: 'await'; target: number }
  | { type: 'record' }
  | { type: 'arrivals' }
  | { type: 'status' }
  | { type: 'close' };

/** Milliseconds on the machine's clock, comparable across processes (the parent stamps publishes the same way). */
export const epochMs = () => performance.timeOrigin + performance.now();

export function runFleet(transport: Transport): void {
  const send = (msg: Record<string, unknown>) => process.send!(msg);
  const clients: Client[] = [];
  let target = 0;
  let reached = 0;
  let recording: number[] | undefined;
  let storm: { t0: number; lastSeq: number; left: number; violations: number } | undefined;
  let errors = 0;
  let firstError = '';
  // CPU this process used since the last 'await': tells whether the fleet, not the server, was the limit.
  let cpuAtAwait = process.cpuUsage();
  const cpuMsSinceAwait = () => {
    const d = process.cpuUsage(cpuAtAwait);
    return (d.user + d.system) / 1000;
  };

  const onFrame = (c: Client, id: number) => {
    recording?.push(id, epochMs());
    c.count++;
    if (target > 0 && c.count === target) {
      reached++;
      if (reached === clients.length) send({ type: 'reached', target, cpuMs: cpuMsSinceAwait() });
    }
    if (storm) {
      if (id !== c.expected) storm.violations++;
      c.expected = id + 1;
      if (id === storm.lastSeq && --storm.left === 0) {
        send({ type: 'caught-up', ms: performance.now() - storm.t0, errors, firstError, violations: storm.violations });
      }
    }
  };

  const openOne = async (url: string, fromSeq?: number) => {
    const c: Client = { count: 0, expected: fromSeq ?? 1 };
    clients.push(c);
    try {
      c.close = (await transport.open(url, (id) => onFrame(c, id), fromSeq)).close;
    } catch (err) {
      errors++;
      firstError ||= `${(err as NodeJS.ErrnoException).code ?? ''} ${(err as Error).message}`.trim();
      if (storm && --storm.left === 0) send({ type: 'caught-up', ms: performance.now() - storm.t0, errors, firstError, violations: storm.violations });
    }
  };

  // Connect in waves of 100 so the listen backlog never overflows (a dropped SYN retries after 1 s).
  const openAll = async (url: string, n: number, fromSeq: (i: number) => number | undefined) => {
    for (let i = 0; i < n; i += 100) {
      await Promise.all(Array.from({ length: Math.min(100, n - i) }, (_, k) => openOne(url, fromSeq(i + k))));
    }
  };

  process.on('message', (msg: Command) => {
    switch (msg.type) {
      case 'open': {
        const t0 = performance.now();
        void openAll(msg.url, msg.clients, () => undefined).then(() => send({ type: 'opened', ms: performance.now() - t0, errors, firstError }));
        break;
      }
      case 'storm':
        storm = { t0: performance.now(), lastSeq: msg.lastSeq, left: msg.clients, violations: 0 };
        void openAll(msg.url, msg.clients, (i) => msg.fromSeqs[i % msg.fromSeqs.length]);
        break;
      case 'await':
        target = msg.target;
        cpuAtAwait = process.cpuUsage();
        reached = clients.filter((c) => c.count >= target).length;
        if (reached === clients.length) send({ type: 'reached', target, cpuMs: 0 });
        break;
      case 'record':
        recording = [];
        break;
      case 'arrivals':
        send({ type: 'arrivals', flat: recording ?? [] });
        recording = undefined;
        break;
      case 'status': {
        const counts = clients.map((c) => c.count);
        send({ type: 'status', min: Math.min(...counts), max: Math.max(...counts), reached, clients: clients.length });
        break;
      }
      case 'close':
        for (const c of clients) c.close?.();
        send({ type: 'closed' });
        process.disconnect();
        break;
    }
  });

  // If the parent dies, do not linger holding thousands of sockets.
  process.on('disconnect', () => process.exit(0));
}
