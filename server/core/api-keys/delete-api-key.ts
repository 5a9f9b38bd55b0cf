import { and, eq } from 'drizzle-orm';
import { apikey } from '@/db/schema';
import { apiKeyCredential, type Principal } from '@/server/auth/principal';
import { announceRevocation } from '@/server/core/access/revocations';
import { recordAudit } from '@/server/core/audit/record-audit';
import { notFound } from '@/server/core/shared/errors';
import type { Services } from '@/server/services';
import { assertMayManageKeys, keyOwnerOf } from './key-owner';

export interface DeleteApiKeyInput {
  id: string;
  /** Any key on the server (admin only); otherwise only the principal's own. */
  any?: boolean;
}

/**
 * Deletes a key so it stops working at once: requests fail from now on and the streams it opened
 * close. Someone else's key id answers 404, as if it did not exist.
 */
export async function deleteApiKey(deps: Pick<Services, 'db' | 'bus'>, principal: Principal, input: DeleteApiKeyInput): Promise<void> {
  assertMayManageKeys(principal);
  const where =
    input.any && principal.scopes.has('admin')
      ? eq(apikey.id, input.id)
      : and(eq(apikey.id, input.id), eq(apikey.referenceId, keyOwnerOf(principal)));
  const deleted = await deps.db.delete(apikey).where(where).returning({ id: apikey.id, name: apikey.name, owner: apikey.referenceId });
  const key = deleted[0];
  if (!key) throw notFound('API key', 'API_KEY_NOT_FOUND');
  await announceRevocation(deps, apiKeyCredential(key.id));
  await recordAudit(deps.db, principal, 'key.revoked', { kind: 'api_key', id: key.id, detail: { name: key.name, owner: key.owner } });
}
