/**
 * The custom server. With ROLE=all (the default) one process serves the dashboard (Next.js), the
 * tRPC API, REST at every documented dialect path and the declared WebSocket streams, and executes
 * the work. In a scale-out set on one Postgres, ROLE=web processes serve all of that and only
 * dispatch work, and ROLE=worker processes execute it, answering nothing but /healthz. Start with
 * `npm start`.
 */
import http from 'node:http';
import path from 'node:path';
import type { Duplex } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { DatabaseLockedError } from '@/db/client';
import { EnvError, parseEnv, type Env } from './env';
import { createApp, type PageHandler } from './http/app';
import { createLogger, type Logger } from './logger';
import { createServices, type Services } from './services';
import { workerHealthListener } from './worker-health';

/** After the drain, how long requests still in flight may take before their connections are closed. */
const REQUEST_GRACE_MS = 2_000;

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function loadPages(dev: boolean, host: string, port: number) {
  const { default: next } = await import('next');
  const nextApp = next({ dev, dir: projectRoot, hostname: host, port });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();
  const pages: PageHandler = (req, res) => handle(req, res);
  return { pages, upgrade: dev ? nextApp.getUpgradeHandler() : undefined, close: () => nextApp.close() };
}

function readEnv(): Env {
  try {
    return parseEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
}

/** What differs between the roles: the HTTP listener, and what must be closed when it stops. */
interface Face {
  listener: http.RequestListener;
  upgrade?: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
  /** Ends open WebSockets (streams over plain HTTP end when their connections are closed). */
  closeStreams(): void;
  closePages?(): Promise<void>;
}

async function webFace(env: Env, services: Services, logger: Logger): Promise<Face> {
  const next = env.serveDashboard ? await loadPages(env.dev, env.host, env.port) : undefined;
  // Next's dev server keeps its hot-reload socket; every other upgrade is a declared WebSocket endpoint or a 404.
  const app = createApp(services, logger, next?.pages, { next: next?.upgrade });
  return { listener: app.listener, upgrade: app.upgrade, closeStreams: app.close, closePages: next?.close };
}

function logSandbox(services: Services, logger: Logger): void {
  const sandboxProblem = services.sandbox.unavailableReason();
  if (!services.sandbox.enabled) {
    const banner = '!'.repeat(100);
    for (const line of [
      banner,
      'SANDBOX=off: agent commands (the bash tool, CLI agents) run UNCONFINED as this server\'s user.',
      'Anyone who may submit work can read DATA_DIR (the admin token, the database) and reach the network.',
      banner,
    ])
      logger.warn(line);
  } else if (sandboxProblem) {
    logger.error(`sandbox unavailable: ${sandboxProblem}. Every tool call and CLI agent run will be refused until the \`bubblewrap\` package is installed (or SANDBOX=off is set deliberately).`);
  } else {
    logger.info('sandbox: bubblewrap (agent commands run with DATA_DIR hidden, the host read-only, no network unless the policy allows it)');
  }
}

/** Where to sign in: on every start, not only the first, so a restart does not leave the operator guessing. */
function printSignIn(env: Env, services: Services, baseUrl: string): void {
  const where = services.adminToken.file ? `the admin token kept in ${services.adminToken.file}` : 'the admin token given in ADMIN_TOKEN';
  const what = env.serveDashboard ? `Dashboard: ${baseUrl}/` : `API: ${baseUrl}/ (dashboard off)`;
  if (services.adminToken.reveal) {
    console.log(
      [
        '',
        '  A bootstrap admin token was generated. It is shown only this once; it is kept in',
        `  ${services.adminToken.file} (mode 600).`,
        '',
        `    ${services.adminToken.reveal}`,
        '',
        `  ${what}  (sign in with the token)`,
        '',
      ].join('\n'),
    );
  } else {
    console.log(`\n  ${what}  (sign in with ${where})\n`);
  }
}

async function main(): Promise<void> {
  const env = readEnv();
  const logger = createLogger(env.logLevel);

  let services: Services;
  try {
    services = await createServices(env, { log: logger });
  } catch (err) {
    if (err instanceof DatabaseLockedError) {
      console.error(err.message);
      process.exit(3);
    }
    throw err;
  }

  // A worker never loads Next.js or the API: it only executes work, and answers /healthz.
  const face: Face =
    env.role === 'worker'
      ? { listener: workerHealthListener({ processId: services.bus.processId, version: services.version }), closeStreams: () => {} }
      : await webFace(env, services, logger);
  const server = http.createServer(face.listener);
  server.keepAliveTimeout = 65_000;
  if (face.upgrade) server.on('upgrade', face.upgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.port, env.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.port;
  const shownHost = env.host.includes(':') ? `[${env.host}]` : env.host;
  const baseUrl = `http://${shownHost}:${port}`;
  const database = `database: ${services.database.kind}${env.authDisabled ? ', AUTH DISABLED' : ''}`;
  if (env.role === 'worker') {
    logger.info(`Switchboard ${services.version} role=worker: executes work as process ${services.bus.processId}, serves only ${baseUrl}/healthz (${database})`);
  } else {
    const executes = env.role === 'web' ? 'dispatches work to worker processes, executes none' : 'executes work in this process';
    logger.info(`Switchboard ${services.version} role=${env.role} listening on ${baseUrl} (${database}; ${executes})`);
  }
  if (env.role !== 'web') logSandbox(services, logger);
  if (env.role !== 'worker') printSignIn(env, services, baseUrl);

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: draining (up to ${env.drainTimeoutMs / 1000} s), then shutting down`);
    const force = setTimeout(() => process.exit(1), env.drainTimeoutMs + 10_000).unref();
    // No new connections; idle keep-alive sockets go now, open streams are ended so their clients
    // resume (Last-Event-ID / from_seq) on another web process.
    server.close();
    server.closeIdleConnections();
    face.closeStreams();
    // Work in progress reaches a step boundary and is handed back (or finishes) before the store closes.
    const closed = new Promise<void>((resolve) => server.once('close', () => resolve()));
    await services.engine.drain(env.drainTimeoutMs).catch((err) => logger.error('draining failed', err));
    // Requests still being answered get a moment; open streams would hold the server forever.
    await Promise.race([closed, new Promise((resolve) => setTimeout(resolve, REQUEST_GRACE_MS))]);
    server.closeAllConnections();
    await face.closePages?.().catch(() => {});
    await services.close().catch((err) => logger.error('closing down failed', err));
    clearTimeout(force);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main().catch((err) => {
  console.error('Switchboard failed to start:', err);
  process.exit(1);
});
