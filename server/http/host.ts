import type { IncomingMessage } from 'node:http';
import { isLoopbackHost } from '@/server/env';
import { AppError } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { requestHostname } from './node-request';

/**
 * With auth off, only requests addressed to loopback are served (HTTP and WebSocket upgrades alike):
 * a DNS-rebinding page in a browser cannot reach the server through another name.
 */
export function assertServedHost(services: Services, req: IncomingMessage): void {
  if (services.env.authDisabled && !isLoopbackHost(requestHostname(req))) {
    throw new AppError('FORBIDDEN', 'auth is disabled, so only requests to a loopback host are served');
  }
}
