/**
 * Test harness: a real server on a random loopback port over a real database — a fresh PGlite
 * directory, or, when DATABASE_URL is set, a fresh database created on that Postgres server.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { parseEnv } from '@/server/env';
import { createApp, type App } from '@/server/http/app';
import { createServices, type Services } from '@/server/services';

export interface TestServer {
  url: string;
  adminToken: string;
  services: Services;
  app: App;
  dataDir: string;
  fetch(pathname: string, init?: RequestInit & { token?: string; json?: unknown }): Promise<Response>;
  /** `keepData` leaves the store in place for `startTestServer(…, { restartOf })`. */
  close(opts?: { keepData?: boolean }): Promise<void>;
}

const quietLogger = { info() {}, error() {} };

/** A throw-away database on the Postgres server named by DATABASE_URL; dropped on close. */
export async function freshPostgresDatabase(baseUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sb_test_${randomBytes(6).toString('hex')}`;
  const admin = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const url = new URL(baseUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const sql = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    },
  };
}

export interface StartOptions {
  /** Another server on the same Postgres database: a second process of a scale-out set. */
  shareDatabaseWith?: TestServer;
  /** Start on the store a closed server left behind (see `close({ keepData: true })`): a restart. */
  restartOf?: TestServer;
}

export async function startTestServer(extraEnv: Record<string, string> = {}, opts: StartOptions = {}): Promise<TestServer> {
  const dataDir = opts.restartOf?.dataDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-test-'));
  const previous = opts.shareDatabaseWith ?? opts.restartOf;
  const adminToken = previous?.adminToken ?? `test-admin-${randomBytes(12).toString('hex')}`;
  const reused = previous?.services.env.databaseUrl;
  const pg = reused
    ? { url: reused, drop: opts.restartOf ? (opts.restartOf as TestServer & { dropDatabase?: () => Promise<void> }).dropDatabase ?? (async () => {}) : async () => {} }
    : process.env.DATABASE_URL
      ? await freshPostgresDatabase(process.env.DATABASE_URL)
      : undefined;
  const env = parseEnv({
    DATA_DIR: dataDir,
    ADMIN_TOKEN: adminToken,
    PORT: '0',
    LOG_LEVEL: 'silent',
    // Every test client is 127.0.0.1 and many poll: request budgets are off unless a test sets them.
    RATE_LIMIT_REQUESTS_PER_MINUTE: '0',
    RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
    ...(pg ? { DATABASE_URL: pg.url } : {}),
    ...extraEnv,
  });
  const services = await createServices(env, { log: { error() {} } });
  const app = createApp(services, quietLogger);
  const server = http.createServer(app.listener);
  server.on('upgrade', app.upgrade);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    adminToken,
    services,
    app,
    dataDir,
    fetch(pathname, init = {}) {
      const { token, json, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (token) headers.set('authorization', `Bearer ${token}`);
      if (json !== undefined) headers.set('content-type', 'application/json');
      return fetch(`${url}${pathname}`, { ...rest, headers, body: json !== undefined ? JSON.stringify(json) : rest.body });
    },
    async close(closeOpts = {}) {
      app.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await services.close();
      if (closeOpts.keepData) {
        (this as TestServer & { dropDatabase?: () => Promise<void> }).dropDatabase = pg?.drop;
        return;
      }
      await pg?.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
