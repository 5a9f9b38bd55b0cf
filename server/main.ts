/**
 * The custom server: one process serving the dashboard (Next.js), the tRPC API, REST at every
 * documented dialect path and the declared WebSocket streams. Start with `npm start`.
 */
import http from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DatabaseLockedError } from '@/db/client';
import { EnvError, parseEnv } from './env';
import { createApp, type PageHandler } from './http/app';
import { createLogger } from './logger';
import { createServices } from './services';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function loadPages(dev: boolean, host: string, port: number) {
  const { default: next } = await import('next');
  const nextApp = next({ dev, dir: projectRoot, hostname: host, port });
  await nextApp.prepare();
  const handle = nextApp.getRequestHandler();
  const pages: PageHandler = (req, res) => handle(req, res);
  return { pages, upgrade: dev ? nextApp.getUpgradeHandler() : undefined, close: () => nextApp.close() };
}

async function main(): Promise<void> {
  let env;
  try {
    env = parseEnv();
  } catch (err) {
    if (err instanceof EnvError) {
      console.error(err.message);
      process.exit(2);
    }
    throw err;
  }
  const logger = createLogger(env.logLevel);

  let services;
  try {
    services = await createServices(env, { log: logger });
  } catch (err) {
    if (err instanceof DatabaseLockedError) {
      console.error(err.message);
      process.exit(3);
    }
    throw err;
  }

  const next = env.serveDashboard ? await loadPages(env.dev, env.host, env.port) : undefined;
  // Next's dev server keeps its hot-reload socket; every other upgrade is a declared WebSocket endpoint or a 404.
  const app = createApp(services, logger, next?.pages, { next: next?.upgrade });
  const server = http.createServer(app.listener);
  server.keepAliveTimeout = 65_000;
  server.on('upgrade', app.upgrade);

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(env.port, env.host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : env.port;
  const shownHost = env.host.includes(':') ? `[${env.host}]` : env.host;
  logger.info(`Switchboard ${services.version} listening on http://${shownHost}:${port} (database: ${services.database.kind}${env.authDisabled ? ', AUTH DISABLED' : ''})`);
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
  if (services.adminToken.reveal) {
    console.log(
      [
        '',
        '  A bootstrap admin token was generated. It is shown only this once; it is kept in',
        `  ${services.adminToken.file} (mode 600).`,
        '',
        `    ${services.adminToken.reveal}`,
        '',
        `  Dashboard: http://${shownHost}:${port}/  (sign in with the token)`,
        '',
      ].join('\n'),
    );
  }

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info(`${signal}: shutting down`);
    const force = setTimeout(() => process.exit(1), 10_000).unref();
    app.close();
    server.close();
    server.closeIdleConnections();
    await next?.close().catch(() => {});
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
