/**
 * The WebSocket client fleet (a child process, see lib/fleet-child.ts for the protocol): `ws`
 * clients of one URL, each reporting the `seq` of every message it receives (`{"seq":N,...}`).
 */
import { WebSocket } from 'ws';
import { runFleet } from './fleet-child';

const SEQ = /"seq":(\d+)/;

runFleet({
  open(url, onFrame, fromSeq) {
    const ws = new WebSocket(fromSeq === undefined ? url : `${url}?from_seq=${fromSeq}`, { perMessageDeflate: false });
    ws.on('message', (data) => {
      // The seq is the first field: a regex over the head of the text, not a JSON.parse per message.
      const m = SEQ.exec((data as Buffer).toString('latin1', 0, 40));
      if (m) onFrame(Number(m[1]));
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve({ close: () => ws.terminate() }));
      ws.once('error', reject);
    });
  },
});
