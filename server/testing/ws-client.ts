/** How a server answers a WebSocket upgrade, as a client sees it: `101` when the socket opens, else the refusal. */
import type { IncomingHttpHeaders } from 'node:http';
import { WebSocket } from 'ws';

export interface UpgradeAnswer {
  status: number;
  /** The refusal's body ('' when the socket opened). */
  text: string;
  headers: IncomingHttpHeaders;
}

/** Attempts the upgrade; an opened socket is closed at once and answers 101. */
export function upgradeAnswer(url: string, headers: Record<string, string> = {}): Promise<UpgradeAnswer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on('unexpected-response', (_req, res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
    });
    ws.on('open', () => {
      ws.close();
      resolve({ status: 101, text: '', headers: {} });
    });
    ws.on('error', (err) => (err.message.includes('Unexpected server response') ? undefined : reject(err)));
  });
}
