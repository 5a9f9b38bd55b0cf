import { and, eq } from 'drizzle-orm';
import { apikey } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import { notFound } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { keyOwnerOf } from './key-owner';

export interface DeleteApiKeyInput {
  id: string;
  /** Any key on the server (admin only); otherwise only the principal's own. */
  any?: boolean;
}

/** Deletes a key so it stops working at once. Someone else's key id answers 404, as if it did not exist. */
export async function deleteApiKey(deps: Pick<Services, 'db'>, principal: Principal, input: DeleteApiKeyInput): Promise<void> {
  const where =
    input.any && principal.scopes.has('admin')
      ? eq(apikey.id, input.id)
      : and(eq(apikey.id, input.id), eq(apikey.referenceId, keyOwnerOf(principal)));
  const deleted = await deps.db.delete(apikey).where(where).returning({ id: apikey.id });
  if (!deleted.length) throw notFound('API key', 'API_KEY_NOT_FOUND');
}
