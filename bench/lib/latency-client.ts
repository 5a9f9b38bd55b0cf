/**
 * The client side of bench/turn-latency.ts, run as a child process so that the server under test
 * and the client do not share an event loop (an embedded database runs its queries on the server's
 * thread; a client in the same process would only read its socket when the server's work yields).
 *
 * Protocol (process.send / 'message'): parent → a Job; child → {type:'result', samples} or
 * {type:'error', message}, once per job. Times are measured here: POST sent → frame read.
 */
import http from 'node:http';

const now = (): number => performance.now();

export type Job =
  | { type: 'turns'; base: string; token: string; sessionId: string; count: number; warmup: number }
  | { type: 'cancels'; base: string; token: string; sessionId: string; count: number; warmup: number }
  | { type: 'floor'; base: string; count: number; warmup: number };

export type Samples = Record<string, number[]>;

// ---------------------------------------------------------------------------------------------
// A minimal SSE subscriber: node:http, frames parsed as they arrive, each stamped on arrival.
// ---------------------------------------------------------------------------------------------

interface Frame {
  at: number;
  type: string;
  data: Record<string, unknown>;
}

interface Subscriber {
  /** Resolves with the first frame (arriving from now on) that matches. */
  next(pred: (f: Frame) => boolean, timeoutMs?: number): Promise<Frame>;
  /** Calls `fn` for every frame from now on until the returned function is called. */
  watch(fn: (f: Frame) => void): () => void;
  close(): void;
}

async function subscribe(url: string, headers: Record<string, string>): Promise<Subscriber> {
  const watchers = new Set<(f: Frame) => void>();
  const agent = new http.Agent({ keepAlive: false });
  const req = http.get(url, { headers: { accept: 'text/event-stream', ...headers }, agent });
  const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
    req.once('response', resolve);
    req.once('error', reject);
  });
  if (res.statusCode !== 200) throw new Error(`SSE ${url}: HTTP ${res.statusCode}`);
  res.setEncoding('utf8');
  let buffer = '';
  res.on('data', (chunk: string) => {
    const at = now();
    buffer += chunk;
    let idx: number;
    while ((idx = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, idx);
      buffer = buffer.slice(idx + 2);
      const data = block
        .split('\n')
        .filter((l) => l.startsWith('data:'))
        .map((l) => l.slice(5).trimStart())
        .join('\n');
      if (!data) continue;
      let parsed: Record<string, unknown>;
      try {
        parsed = JSON.parse(data) as Record<string, unknown>;
      } catch {
        continue;
      }
      const frame = { at, type: String(parsed.type ?? ''), data: parsed };
      for (const w of [...watchers]) w(frame);
    }
  });
  res.on('error', () => {});
  const watch = (fn: (f: Frame) => void) => {
    watchers.add(fn);
    return () => void watchers.delete(fn);
  };
  return {
    watch,
    next(pred, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          stop();
          reject(new Error('timed out waiting for an SSE frame'));
        }, timeoutMs);
        const stop = watch((f) => {
          if (!pred(f)) return;
          clearTimeout(timer);
          stop();
          resolve(f);
        });
      });
    },
    close() {
      req.destroy();
      agent.destroy();
    },
  };
}

const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 });

/** POST with a keep-alive connection (as a real client would reuse one). */
function post(url: string, body: unknown, token?: string): Promise<{ status: number; body: string }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method: 'POST', agent: keepAlive, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...(token ? { authorization: `Bearer ${token}` } : {}) } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}


const sessionEvents = (job: { base: string; token: string; sessionId: string }) =>
  subscribe(`${job.base}/v1/sessions/${job.sessionId}/events`, { authorization: `Bearer ${job.token}` });

const message = (job: { base: string; token: string; sessionId: string }, text: string) =>
  post(`${job.base}/v1/sessions/${job.sessionId}/messages`, { role: 'user', parts: [{ type: 'text', text }] }, job.token);

/** N sequential turns `::say hello`: POST → first event, → first text delta, → turn done. */
async function turns(job: Extract<Job, { type: 'turns' }>): Promise<Samples> {
  const sub = await sessionEvents(job);
  const out: Samples = { firstEvent: [], firstDelta: [], done: [] };
  try {
    for (let i = 0; i < job.count + job.warmup; i++) {
      let firstEvent = Number.NaN;
      let firstDelta = Number.NaN;
      const stop = sub.watch((f) => {
        if (Number.isNaN(firstEvent)) firstEvent = f.at;
        if (Number.isNaN(firstDelta) && f.type === 'model_output_delta') firstDelta = f.at;
      });
      const done = sub.next((f) => f.type === 'turn_completed' || f.type === 'turn_failed');
      const t0 = now();
      const res = await message(job, '::say hello');
      if (res.status !== 200) throw new Error(`POST message: ${res.status} ${res.body}`);
      const end = await done;
      stop();
      if (end.type !== 'turn_completed') throw new Error(`turn ended ${end.type}: ${JSON.stringify(end.data)}`);
      if (i < job.warmup) continue;
      out.firstEvent!.push(firstEvent - t0);
      out.firstDelta!.push(firstDelta - t0);
      out.done!.push(end.at - t0);
    }
  } finally {
    sub.close();
  }
  return out;
}

/** A turn busy in a long model call (`::sleep`), then POST cancel → its terminal event at the subscriber. */
async function cancels(job: Extract<Job, { type: 'cancels' }>): Promise<Samples> {
  const sub = await sessionEvents(job);
  const out: Samples = { canceled: [] };
  try {
    for (let i = 0; i < job.count + job.warmup; i++) {
      const busy = sub.next((f) => f.type === 'step_started');
      const res = await message(job, '::sleep 600000');
      if (res.status !== 200) throw new Error(`POST message: ${res.status} ${res.body}`);
      await busy;
      // Let the model call be well under way (the backend is inside its sleep).
      await new Promise((r) => setTimeout(r, 20));
      const ended = sub.next((f) => f.type === 'turn_canceled');
      const t0 = now();
      const cancel = await post(`${job.base}/v1/sessions/${job.sessionId}/cancel`, {}, job.token);
      if (cancel.status !== 200) throw new Error(`POST cancel: ${cancel.status} ${cancel.body}`);
      const f = await ended;
      if (i >= job.warmup) out.canceled!.push(f.at - t0);
    }
  } finally {
    sub.close();
  }
  return out;
}

/** The bare server's POST writes one frame to the subscriber: the same measurement with nothing behind it. */
async function floor(job: Extract<Job, { type: 'floor' }>): Promise<Samples> {
  const sub = await subscribe(`${job.base}/events`, {});
  const out: Samples = { frame: [] };
  try {
    for (let i = 0; i < job.count + job.warmup; i++) {
      const seen = sub.next((f) => f.type === 'model_output_delta');
      const t0 = now();
      await post(`${job.base}/say`, { text: 'hello' });
      const f = await seen;
      if (i >= job.warmup) out.frame!.push(f.at - t0);
    }
  } finally {
    sub.close();
  }
  return out;
}

process.on('message', (job: Job) => {
  const run = job.type === 'turns' ? turns(job) : job.type === 'cancels' ? cancels(job) : floor(job);
  run.then(
    (samples) => process.send!({ type: 'result', samples }),
    (err: Error) => process.send!({ type: 'error', message: err.message }),
  );
});
process.on('disconnect', () => process.exit(0));
