import { and, eq } from 'drizzle-orm';
import { apikey } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { notFound } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { keyOwnerOf } from './key-owner';

/**
 * Deletes a key so it stops working at once. With `any` (admin only) any key may go; otherwise only
 * the principal's own — someone else's key id answers 404, as if it did not exist.
 */
export async function deleteApiKey(services: Services, principal: Principal, id: string, opts: { any?: boolean } = {}): Promise<void> {
  const where =
    opts.any && principal.scopes.has('admin') ? eq(apikey.id, id) : and(eq(apikey.id, id), eq(apikey.referenceId, keyOwnerOf(principal)));
  const deleted = await services.db.delete(apikey).where(where).returning({ id: apikey.id });
  if (!deleted.length) throw notFound('API key', 'API_KEY_NOT_FOUND');
}
