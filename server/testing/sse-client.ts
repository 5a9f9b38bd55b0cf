/**
 * A small SSE client for tests: reads frames (id, event, data) from a real HTTP response, so tests
 * see exactly what a client would, including ids for resuming.
 */
export interface SseFrame {
  id?: string;
  event?: string;
  data: string;
}

export interface SseConnection {
  frames: SseFrame[];
  /** Resolves once a frame matches, or rejects after the timeout. */
  waitFor(pred: (frame: SseFrame) => boolean, timeoutMs?: number): Promise<SseFrame>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
  status: number;
  headers: Headers;
}

export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseConnection> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', ...headers }, signal: controller.signal });
  const frames: SseFrame[] = [];
  const waiters: Array<{ pred: (f: SseFrame) => boolean; resolve: (f: SseFrame) => void }> = [];
  let endedResolve!: () => void;
  const ended = new Promise<void>((r) => (endedResolve = r));
  void (async () => {
    if (!res.body) return endedResolve();
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let idx: number;
        while ((idx = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, idx);
          buffer = buffer.slice(idx + 2);
          const frame: SseFrame = { data: '' };
          const data: string[] = [];
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) continue;
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const val = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'id') frame.id = val;
            else if (field === 'event') frame.event = val;
            else if (field === 'data') data.push(val);
          }
          if (!data.length && frame.id === undefined) continue;
          frame.data = data.join('\n');
          frames.push(frame);
          for (const w of [...waiters]) {
            if (w.pred(frame)) {
              waiters.splice(waiters.indexOf(w), 1);
              w.resolve(frame);
            }
          }
        }
      }
    } catch {
      /* aborted */
    }
    endedResolve();
  })();
  return {
    frames,
    status: res.status,
    headers: res.headers,
    ended,
    close: () => controller.abort(),
    waitFor(pred, timeoutMs = 10_000) {
      const found = frames.find(pred);
      if (found) return Promise.resolve(found);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching SSE frame within ${timeoutMs} ms; got ${frames.map((f) => f.data).join('\n')}`)), timeoutMs);
        waiters.push({ pred, resolve: (f) => (clearTimeout(timer), resolve(f)) });
      });
    },
  };
}

export const dataOf = (frame: SseFrame) => JSON.parse(frame.data) as Record<string, unknown> & { type: string };
