import type { Db } from '@/db/client';
import type { BackendRegistry } from '@/server/engine/backends/registry';
import type { Env } from '@/server/env';
import type { EventBus } from '@/server/stream/bus';

/** A run or a session turn, as the engine is told about it. */
export interface WorkRef {
  kind: 'run' | 'turn';
  id: string;
}

/** What core may ask of the engine: both reach whichever process executes the work. */
export interface WorkEngine {
  /** The work has something to do (call after the commit that gave it that). */
  enqueue(ref: WorkRef): Promise<void>;
  /** Stop the work where it executes; the cancel or interrupt must already be recorded on its row. */
  abort(ref: WorkRef): Promise<void>;
}

/** What the run, session and approval use cases need. `Services` provides all of it. */
export interface WorkDeps {
  db: Db;
  bus: EventBus;
  env: Env;
  backends: BackendRegistry;
  engine: WorkEngine;
}
