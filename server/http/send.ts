import type { ServerResponse } from 'node:http';
import { AppError } from '@/server/core/shared/errors';
import { envelopeFor, errorResponse } from './error-envelope';

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(payload), ...headers });
  res.end(payload);
}

export function sendError(res: ServerResponse, err: unknown, log?: (err: unknown) => void): void {
  const { status, headers, body } = errorResponse(err, log);
  sendJson(res, status, body, headers);
}

export const routeNotFound = (method: string, path: string) => new AppError('NOT_FOUND', `no route for ${method} ${path}`, { code: 'ROUTE_NOT_FOUND' });

export function sendNotFound(res: ServerResponse, method: string, path: string): void {
  sendJson(res, 404, envelopeFor(routeNotFound(method, path)));
}
