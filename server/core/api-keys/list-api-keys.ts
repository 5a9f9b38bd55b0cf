import { desc, eq } from 'drizzle-orm';
import { apikey } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import type { Services } from '@/server/services';
import { toApiKeyDto, type ApiKeyDto } from './api-key-dto';
import { keyOwnerOf } from './key-owner';

/** `all` (admin only) lists every key on the server; otherwise the principal's own keys. */
export async function listApiKeys(services: Services, principal: Principal, opts: { all?: boolean } = {}): Promise<ApiKeyDto[]> {
  const query = services.db.select().from(apikey);
  const rows =
    opts.all && principal.scopes.has('admin')
      ? await query.orderBy(desc(apikey.createdAt))
      : await query.where(eq(apikey.referenceId, keyOwnerOf(principal))).orderBy(desc(apikey.createdAt));
  return rows.map(toApiKeyDto);
}
