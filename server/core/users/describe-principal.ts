import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { user } from '@/db/schema';
import { ADMIN_PRINCIPAL_ID, type Principal } from '@/server/auth/principal';
import { workspaceRootsOf } from '@/server/core/workspaces/resolve-workspace';
import type { Services } from '@/server/services';
import { toUserDto, userSchema } from './user-dto';

/** `me`: who the caller acts for, with what its credential (`kind`) may do (`scopes`). */
export const principalSchema = userSchema.extend({
  kind: z.string(),
  email: z.string().nullable(),
  created_at: z.string().nullable(),
  /** Where the principal may put work: every WORKSPACE_ROOT for the admin, its own root for anyone else. */
  workspace_roots: z.array(z.string()),
});
export type PrincipalDto = z.infer<typeof principalSchema>;

/**
 * The `me` answer describes the owner behind the credential: a session or a user's API key
 * describes that user, the admin token or a key the admin created describes the admin. The scopes
 * are the credential's own, so a narrow key says how narrow it is.
 */
export async function describePrincipal(deps: Pick<Services, 'db' | 'env'>, principal: Principal): Promise<PrincipalDto> {
  const credential = { kind: principal.kind, scopes: [...principal.scopes], workspace_roots: workspaceRootsOf(deps.env, principal) };
  const ownerId = principal.ownerId ?? principal.userId;
  if (ownerId === ADMIN_PRINCIPAL_ID) {
    // The admin token names itself (`admin`, or `auth disabled`); the admin's keys name their owner.
    const name = principal.kind === 'admin' ? principal.name : 'admin';
    return { ...credential, id: ADMIN_PRINCIPAL_ID, name, email: null, username: null, role: 'admin', is_superuser: true, created_at: null };
  }
  if (ownerId) {
    const [owner] = await deps.db.select().from(user).where(eq(user.id, ownerId)).limit(1);
    if (owner) return { ...toUserDto(owner), ...credential };
  }
  // A credential that belongs to no one (or whose owner is gone) can only describe itself.
  const isAdmin = principal.scopes.has('admin');
  return { ...credential, id: principal.id, name: principal.name, email: null, username: null, role: isAdmin ? 'admin' : 'user', is_superuser: isAdmin, created_at: null };
}
