/**
 * The one application error type. Core code throws AppError with a kind; the transport maps the kind
 * to an HTTP status (REST) or a tRPC code through the single table below, so every face of the API
 * agrees on what went wrong.
 */
export const ERROR_KINDS = {
  BAD_REQUEST: { status: 400, trpc: 'BAD_REQUEST' },
  UNAUTHORIZED: { status: 401, trpc: 'UNAUTHORIZED' },
  FORBIDDEN: { status: 403, trpc: 'FORBIDDEN' },
  NOT_FOUND: { status: 404, trpc: 'NOT_FOUND' },
  CONFLICT: { status: 409, trpc: 'CONFLICT' },
  PAYLOAD_TOO_LARGE: { status: 413, trpc: 'PAYLOAD_TOO_LARGE' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, trpc: 'UNSUPPORTED_MEDIA_TYPE' },
  TOO_MANY_REQUESTS: { status: 429, trpc: 'TOO_MANY_REQUESTS' },
  INTERNAL: { status: 500, trpc: 'INTERNAL_SERVER_ERROR' },
  BAD_GATEWAY: { status: 502, trpc: 'BAD_GATEWAY' },
  SERVICE_UNAVAILABLE: { status: 503, trpc: 'SERVICE_UNAVAILABLE' },
} as const;

export type ErrorKind = keyof typeof ERROR_KINDS;

export interface AppErrorOptions {
  /** The UPPER_SNAKE code clients see (e.g. SESSION_NOT_FOUND); defaults to the kind. */
  code?: string;
  /** The request field that is wrong, for 400s. */
  field?: string;
  headers?: Record<string, string>;
  /** A response body that replaces the error envelope (health checks answer 503 with their report). */
  body?: unknown;
  cause?: unknown;
}

export class AppError extends Error {
  readonly kind: ErrorKind;
  readonly code: string;
  readonly field?: string;
  readonly headers?: Record<string, string>;
  readonly body?: unknown;

  constructor(kind: ErrorKind, message: string, opts: AppErrorOptions = {}) {
    super(message, { cause: opts.cause });
    this.name = 'AppError';
    this.kind = kind;
    this.code = opts.code ?? kind;
    this.field = opts.field;
    this.headers = opts.headers;
    this.body = opts.body;
  }

  get status(): number {
    return ERROR_KINDS[this.kind].status;
  }
}

export const badRequest = (message: string, field?: string) =>
  new AppError('BAD_REQUEST', field && !message.includes(field) ? `${field}: ${message}` : message, { field });
export const notFound = (what: string, code = 'NOT_FOUND') => new AppError('NOT_FOUND', `${what} not found`, { code });
export const conflict = (message: string, code = 'CONFLICT') => new AppError('CONFLICT', message, { code });
export const unauthorized = (message = 'missing or invalid credentials') => new AppError('UNAUTHORIZED', message);
export const forbidden = (message: string) => new AppError('FORBIDDEN', message);

export function kindForStatus(status: number): ErrorKind {
  const found = (Object.keys(ERROR_KINDS) as ErrorKind[]).find((k) => ERROR_KINDS[k].status === status);
  if (found) return found;
  return status >= 500 ? 'INTERNAL' : 'BAD_REQUEST';
}
