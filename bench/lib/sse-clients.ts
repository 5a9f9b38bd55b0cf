/**
 * The SSE client fleet (a child process, see lib/fleet-child.ts for the protocol): node:http
 * connections to one SSE URL, each reporting the `id:` of every frame it receives.
 */
import http from 'node:http';
import { runFleet } from './fleet-child';

/** `\nid: <digits>\n` — every frame's id line follows a newline (the stream opens with a comment). */
const ID_LINE = /\nid: (\d+)\n/g;
/** Longer than any id line, so one split across chunks is found whole in the next. */
const TAIL = 24;

let agent: http.Agent | undefined;

runFleet({
  open(url, onFrame, fromSeq) {
    // keepAlive + a socket cap far above the fleet size: every request gets its own socket at once.
    agent ??= new http.Agent({ keepAlive: true, maxSockets: 100_000, maxTotalSockets: 100_000 });
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (fromSeq !== undefined && fromSeq > 1) headers['last-event-id'] = String(fromSeq - 1);
    return new Promise((resolve, reject) => {
      const req = http.get(url, { agent, headers }, (res) => {
        res.setEncoding('utf8');
        let tail = '';
        let first = true;
        res.on('data', (chunk: string) => {
          const text = tail + chunk;
          let end = 0;
          for (const m of text.matchAll(ID_LINE)) {
            onFrame(Number(m[1]));
            end = m.index + m[0].length - 1;
          }
          // Keep the last newline of a matched id line: it may begin the next one.
          tail = text.slice(Math.max(end, text.length - TAIL));
          // The first bytes (": stream open") mean the server has registered this client.
          if (first) {
            first = false;
            resolve({ close: () => (res.destroy(), req.destroy()) });
          }
        });
        res.on('error', () => {});
      });
      req.on('error', reject);
    });
  },
});
