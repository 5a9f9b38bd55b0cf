/**
 * Everything a request handler or core use case may depend on, built once per process.
 * Core functions receive this (or the part they need) instead of reaching for globals.
 */
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Database, type Db } from '@/db/client';
import { loadAdminToken, type AdminToken } from './auth/admin-token';
import { createAuth, type Auth } from './auth/better-auth';
import { loadSecrets, type Secrets } from './auth/secrets';
import type { Env } from './env';
import { VERSION } from './version';
import { discoverBackends, type BackendRegistry } from './engine/backends/registry';
import { Engine } from './engine/engine';
import { createSandbox, type Sandbox } from './engine/sandbox/bubblewrap';
import { followRevocations } from './core/access/revocations';
import { createEventBus, type EventBus } from './stream/bus';
import { attachPostgresFanout } from './stream/pg-fanout';
import { createLocalSignalHub, createPostgresSignalHub } from './stream/signals';

export interface Services {
  env: Env;
  database: Database;
  db: Db;
  auth: Auth;
  adminToken: AdminToken;
  /** Encryption and token hashing for everything kept at rest. */
  secrets: Secrets;
  startedAt: Date;
  version: string;
  bus: EventBus;
  backends: BackendRegistry;
  /** What every command an agent runs goes through (the bash tool, CLI agents). */
  sandbox: Sandbox;
  engine: Engine;
  /** Stops the engine and closes the database. */
  close(): Promise<void>;
}

export interface ServiceOptions {
  /** Execute work in this process; by default unless ROLE=web (a web-only process of a scale-out set). */
  worker?: boolean;
  log?: { error(message: string, err?: unknown): void };
}

/**
 * What no sandboxed process may see: DATA_DIR (the admin token, the auth secret, the embedded
 * database) and the `.env` files beside the server, which hold its configuration secrets.
 */
function sandboxHiddenPaths(env: Env): string[] {
  const cwd = process.cwd();
  const dotEnvFiles = fs.readdirSync(cwd).filter((name) => name === '.env' || name.startsWith('.env.'));
  return [env.dataDir, ...dotEnvFiles.map((name) => path.join(cwd, name))];
}

export async function createServices(env: Env, opts: ServiceOptions = {}): Promise<Services> {
  fs.mkdirSync(env.dataDir, { recursive: true, mode: 0o700 });
  for (const root of env.workspaceRoots) fs.mkdirSync(root, { recursive: true });
  const database = await openDatabase({ dataDir: env.dataDir, databaseUrl: env.databaseUrl });
  try {
    const bus = createEventBus();
    const stopFollowingRevocations = followRevocations(bus);
    const sandbox = createSandbox({ enabled: env.sandboxEnabled, hiddenPaths: sandboxHiddenPaths(env) }, env.processEnv.PATH);
    const backends = discoverBackends(env.backendEnv, sandbox);
    const log = opts.log ?? { error: (m: string, e?: unknown) => console.error(m, e) };
    const detachFanout = env.databaseUrl ? await attachPostgresFanout(bus, env.databaseUrl, database.db) : async () => {};
    const secrets = loadSecrets({ dataDir: env.dataDir, secretsKey: env.secretsKey, authSecret: env.authSecret });
    const signals = env.databaseUrl ? await createPostgresSignalHub(env.databaseUrl, bus.processId) : createLocalSignalHub();
    const engine = new Engine({ db: database.db, bus, env, backends, sandbox, signals, processId: bus.processId, log }, database);
    await engine.start({ worker: opts.worker ?? env.role !== 'web' });
    return {
      env,
      database,
      db: database.db,
      auth: createAuth(database.db, env, secrets),
      secrets,
      adminToken: loadAdminToken(env.dataDir, env.adminToken),
      startedAt: new Date(),
      version: VERSION,
      bus,
      backends,
      sandbox,
      engine,
      async close() {
        await engine.stop();
        await signals.close();
        stopFollowingRevocations();
        await detachFanout();
        await database.close();
      },
    };
  } catch (err) {
    await database.close();
    throw err;
  }
}
