import { desc, eq } from 'drizzle-orm';
import { apikey } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import type { Services } from '@/server/services';
import { toApiKeyDto, type ApiKeyDto } from './api-key-dto';
import { keyOwnerOf } from './key-owner';

export interface ListApiKeysInput {
  /** Every key on the server (admin only); otherwise the principal's own. */
  all?: boolean;
}

/** Newest first; never the secrets. */
export async function listApiKeys(deps: Pick<Services, 'db'>, principal: Principal, input: ListApiKeysInput = {}): Promise<ApiKeyDto[]> {
  const query = deps.db.select().from(apikey);
  const rows =
    input.all && principal.scopes.has('admin')
      ? await query.orderBy(desc(apikey.createdAt))
      : await query.where(eq(apikey.referenceId, keyOwnerOf(principal))).orderBy(desc(apikey.createdAt));
  return rows.map(toApiKeyDto);
}
