/**
 * Whether each backend the server knows is available, for the overview. A probe may be an HTTP call
 * (up to a few seconds), and the overview is read again on every change, so answers are kept for a
 * minute per backend and a read never waits long for one: a probe still running reads as `checking`.
 */
import type { Backend } from '@/server/engine/backends/types';
import type { OverviewBackend } from './overview-dto';

const FRESH_MS = 60_000;
const WAIT_MS = 1_500;

interface Probe {
  startedAt: number;
  result?: { ok: boolean; message: string; at: Date };
  done: Promise<void>;
}

const probes = new WeakMap<Backend, Probe>();

function probe(backend: Backend): Probe {
  const current = probes.get(backend);
  if (current && (current.result === undefined || Date.now() - current.startedAt < FRESH_MS)) return current;
  const next: Probe = { startedAt: Date.now(), result: current?.result, done: Promise.resolve() };
  next.done = backend
    .health()
    .then(
      (r) => ({ ok: r.ok, message: r.message }),
      (e: unknown) => ({ ok: false, message: e instanceof Error ? e.message : 'health check failed' }),
    )
    .then((r) => {
      next.result = { ...r, at: new Date() };
    });
  probes.set(backend, next);
  return next;
}

export async function backendHealth(backends: Backend[]): Promise<OverviewBackend[]> {
  const running = backends.map((b) => ({ backend: b, probe: probe(b) }));
  let timer: ReturnType<typeof setTimeout> | undefined;
  await Promise.race([Promise.all(running.map((r) => r.probe.done)), new Promise<void>((resolve) => (timer = setTimeout(resolve, WAIT_MS)))]);
  clearTimeout(timer);
  return running.map(({ backend, probe: p }) => ({
    provider: backend.provider,
    kind: backend.kind,
    models: backend.models().length,
    availability: p.result === undefined ? 'checking' : p.result.ok ? 'available' : 'unavailable',
    message: p.result?.message ?? 'checking…',
    checked_at: p.result?.at.toISOString() ?? null,
  }));
}
