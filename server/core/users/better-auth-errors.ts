import { APIError } from 'better-auth/api';
import { AppError, kindForStatus } from '@/server/core/shared/errors';

/** better-auth reports failures as its own APIError; callers see them as AppErrors with the same status. */
export async function viaBetterAuth<T>(call: () => Promise<T>, fieldHint?: (message: string) => string | undefined): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (err instanceof APIError) {
      const message = (err.body as { message?: string } | undefined)?.message ?? err.message ?? 'request refused';
      const status = err.statusCode;
      const field = status === 400 ? fieldHint?.(message) : undefined;
      const kind = status === 422 ? 'BAD_REQUEST' : kindForStatus(status);
      throw new AppError(kind, field && !message.toLowerCase().includes(field) ? `${field}: ${message}` : message, {
        field,
        code: (err.body as { code?: string } | undefined)?.code,
      });
    }
    throw err;
  }
}
