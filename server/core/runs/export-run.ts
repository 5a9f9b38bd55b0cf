import fs from 'node:fs/promises';
import path from 'node:path';
import yazl from 'yazl';
import type { Principal } from '@/server/auth/principal';
import { readEvents } from '@/server/core/events/read-events';
import { runStream, type StoredEvent } from '@/server/core/events/streams';
import type { WorkDeps } from '@/server/core/work/deps';
import { getRun } from './get-run';
import type { RunDto } from './run-dto';

export function artifactsDir(dataDir: string, runId: string): string {
  return path.join(dataDir, 'artifacts', runId);
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  const out: string[] = [];
  for (const e of entries) {
    if (e.isSymbolicLink()) continue;
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/**
 * The run's artifacts, each resolved by realpath and read only if it is inside the run's artifact
 * directory: the zip is read by the caller, and must never carry a file from elsewhere on the host.
 */
async function confinedArtifacts(dir: string): Promise<Array<{ rel: string; content: Buffer }>> {
  const root = await fs.realpath(dir).catch(() => undefined);
  if (!root) return [];
  const out: Array<{ rel: string; content: Buffer }> = [];
  for (const rel of await listFiles(root)) {
    const real = await fs.realpath(path.join(root, rel)).catch(() => undefined);
    if (!real || !real.startsWith(root + path.sep)) continue;
    // Read now rather than when the zip streams, so what was checked is what is sent.
    out.push({ rel, content: await fs.readFile(real) });
  }
  return out;
}

/**
 * The run as a zip: `run.json`, `events.ndjson` (every event of the run's stream, one per line,
 * in the shape the caller's dialect streams them) and `artifacts/…`.
 */
export interface ExportRunInput {
  id: string;
  /** The caller's dialect shapes of the run and of one event. */
  shape: { run: (run: RunDto) => unknown; event: (event: StoredEvent) => unknown };
}

export async function exportRun(deps: WorkDeps, principal: Principal, input: ExportRunInput): Promise<Buffer> {
  const { id: runId, shape } = input;
  const run = await getRun(deps, principal, { id: runId });
  const events: StoredEvent[] = [];
  for (let from = 1; ; ) {
    const page = await readEvents(deps.db, runStream(runId), from, 1000);
    events.push(...page);
    if (page.length < 1000) break;
    from = page.at(-1)!.seq + 1;
  }
  const zip = new yazl.ZipFile();
  zip.addBuffer(Buffer.from(`${JSON.stringify(shape.run(run), null, 2)}\n`), 'run.json');
  zip.addBuffer(Buffer.from(events.map((e) => `${JSON.stringify(shape.event(e))}\n`).join('')), 'events.ndjson');
  for (const artifact of await confinedArtifacts(artifactsDir(deps.env.dataDir, runId))) zip.addBuffer(artifact.content, `artifacts/${artifact.rel}`);
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
