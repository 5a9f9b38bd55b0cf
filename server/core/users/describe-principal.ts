import { eq } from 'drizzle-orm';
import { user } from '@/db/schema';
import type { Principal } from '@/server/auth/principal';
import type { Services } from '@/server/services';
import { toUserDto } from './user-dto';

export interface PrincipalDto {
  id: string;
  kind: Principal['kind'];
  name: string;
  email: string | null;
  username: string | null;
  role: string;
  is_superuser: boolean;
  scopes: string[];
  created_at: string | null;
}

/** The `me` answer: a user's profile, or a description of the token or key in use. */
export async function describePrincipal(services: Services, principal: Principal): Promise<PrincipalDto> {
  if (principal.kind === 'user' && principal.userId) {
    const rows = await services.db.select().from(user).where(eq(user.id, principal.userId)).limit(1);
    if (rows[0]) {
      const dto = toUserDto(rows[0]);
      return { ...dto, kind: 'user', scopes: [...principal.scopes] };
    }
  }
  const isAdmin = principal.scopes.has('admin');
  return {
    id: principal.id,
    kind: principal.kind,
    name: principal.name,
    email: null,
    username: null,
    role: isAdmin ? 'admin' : 'user',
    is_superuser: isAdmin,
    scopes: [...principal.scopes],
    created_at: null,
  };
}
