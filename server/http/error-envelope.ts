/**
 * Every REST error, whatever raised it, leaves as one JSON envelope that carries each dialect's
 * documented fields at once: `{error, code, statusCode, status, detail}`.
 */
import { ORPCError } from '@orpc/server';
import { TRPCError } from '@trpc/server';
import { getHTTPStatusCodeFromError } from '@trpc/server/http';
import { AppError, kindForStatus } from '@/server/core/shared/errors';

export interface ErrorEnvelope {
  error: string;
  code: string;
  statusCode: number;
  status: number;
  detail: string;
}

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
  code?: string;
}

function zodIssues(err: unknown): ZodLikeIssue[] | undefined {
  if (err && typeof err === 'object' && 'issues' in err && Array.isArray((err as { issues: unknown }).issues)) {
    return (err as { issues: ZodLikeIssue[] }).issues;
  }
  return undefined;
}

function describeIssue(issue: ZodLikeIssue): { field?: string; message: string } {
  const field = issue.path.length ? issue.path.map(String).join('.') : undefined;
  let message = issue.message;
  if (issue.code === 'invalid_type' && /received undefined/.test(message)) message = 'is required';
  return { field, message: field ? `${field}: ${message}` : message };
}

/** Walks the cause chain (oRPC error → tRPC error → AppError or ZodError) to the error that explains the failure. */
export function toAppError(err: unknown): AppError {
  const seen = new Set<unknown>();
  let current: unknown = err;
  let outermostStatus: number | undefined;
  let outermostMessage: string | undefined;
  while (current && !seen.has(current)) {
    seen.add(current);
    if (current instanceof AppError) return current;
    const issues = zodIssues(current);
    if (issues?.[0]) {
      const { field, message } = describeIssue(issues[0]);
      return new AppError('BAD_REQUEST', message, { field, code: 'VALIDATION_ERROR' });
    }
    if (current instanceof ORPCError) {
      outermostStatus ??= current.status;
      outermostMessage ??= current.message;
    } else if (current instanceof TRPCError) {
      outermostStatus ??= getHTTPStatusCodeFromError(current);
      outermostMessage ??= current.message;
    }
    current = (current as { cause?: unknown }).cause;
  }
  const status = outermostStatus ?? 500;
  if (status === 502 || status === 503) return new AppError(status === 502 ? 'BAD_GATEWAY' : 'SERVICE_UNAVAILABLE', outermostMessage || 'unavailable');
  if (status >= 500) return new AppError('INTERNAL', 'internal error', { cause: err });
  const kind = kindForStatus(status);
  const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : kind;
  return new AppError(kind, outermostMessage || kind.toLowerCase().replace(/_/g, ' '), { code });
}

export function envelopeFor(error: AppError): ErrorEnvelope {
  const status = error.status;
  return { error: error.message, code: error.code, statusCode: status, status, detail: error.message };
}

export function errorResponse(err: unknown, log?: (err: unknown) => void): ErrorResponse {
  const app = toAppError(err);
  if (app.status >= 500) log?.(err);
  const headers: Record<string, string> = { ...app.headers };
  if (app.status === 401) headers['www-authenticate'] ??= 'Bearer';
  return { status: app.status, headers, body: app.body ?? envelopeFor(app) };
}
