/**
 * What a worker process (ROLE=worker) answers over HTTP. It serves no API and no dashboard; an
 * orchestrator still needs a liveness probe, and an operator (or a test) needs to know which
 * process holds a lease: runs and turns record the executing process as `lease_owner`.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';

export interface WorkerIdentity {
  /** The id this process's leases carry. */
  processId: string;
  version: string;
}

export function workerHealthListener(worker: WorkerIdentity): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const pathname = (req.url ?? '/').split('?')[0];
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(JSON.stringify(body));
    };
    if (pathname === '/healthz' && (req.method === 'GET' || req.method === 'HEAD')) {
      send(200, { ok: true, role: 'worker', process_id: worker.processId, version: worker.version });
      return;
    }
    send(404, { error: 'not_found', message: 'this is a worker process (ROLE=worker): it executes work and serves no API; use a web process' });
  };
}
