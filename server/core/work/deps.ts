import type { Db } from '@/db/client';
import type { BackendRegistry } from '@/server/engine/backends/registry';
import type { Engine } from '@/server/engine/engine';
import type { Env } from '@/server/env';
import type { EventBus } from '@/server/stream/bus';

/** What the run, session and approval use cases need. `Services` provides all of it. */
export interface WorkDeps {
  db: Db;
  bus: EventBus;
  env: Env;
  backends: BackendRegistry;
  engine: Engine;
}
