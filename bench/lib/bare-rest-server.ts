/**
 * The bare baseline for the REST-read bench, run as its own process: node:http + postgres.js, the
 * least a server can do to answer `GET /v1/runs/{id}` with an API key over the same database —
 * hash the presented key, look it up (one query), check it is enabled and unexpired, read the run
 * row by id (one query), answer it as JSON. No framework, no validation, no cache.
 *
 *   DATABASE_URL=… PORT=… node --import tsx bench/lib/bare-rest-server.ts
 */
import { createHash } from 'node:crypto';
import http from 'node:http';
import postgres from 'postgres';

const databaseUrl = process.env.DATABASE_URL;
const port = Number(process.env.PORT);
if (!databaseUrl || !port) {
  console.error('DATABASE_URL and PORT are required');
  process.exit(2);
}

// The same pool size as Switchboard's.
const sql = postgres(databaseUrl, { max: 10, onnotice: () => {} });

function send(res: http.ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.url === '/healthz') return send(res, 200, { ok: true });
  const match = /^\/v1\/runs\/([^/?]+)$/.exec(req.url ?? '');
  if (req.method !== 'GET' || !match) return send(res, 404, { error: 'not found' });
  const token = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1];
  if (!token) return send(res, 401, { error: 'unauthorized' });
  const hash = createHash('sha256').update(token).digest('base64url');
  const [key] = await sql`select reference_id, enabled, expires_at from apikey where key = ${hash}`;
  if (!key || key.enabled === false || (key.expires_at && key.expires_at <= new Date())) return send(res, 401, { error: 'unauthorized' });
  const [run] = await sql`select * from run where id = ${decodeURIComponent(match[1]!)} and owner_id = ${key.reference_id}`;
  if (!run) return send(res, 404, { error: 'not found' });
  send(res, 200, run);
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((err) => send(res, 500, { error: String(err) }));
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1');
process.on('SIGTERM', () => {
  server.close();
  server.closeIdleConnections();
  void sql.end({ timeout: 2 }).finally(() => process.exit(0));
});
