import type { user } from '@/db/schema';
import { userScopes } from '@/server/auth/resolve';

export interface UserDto {
  id: string;
  email: string;
  name: string;
  username: string | null;
  role: string;
  is_superuser: boolean;
  scopes: string[];
  created_at: string;
}

export function toUserDto(row: Pick<typeof user.$inferSelect, 'id' | 'email' | 'name' | 'username' | 'role' | 'createdAt'>): UserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    username: row.username ?? null,
    role: row.role,
    is_superuser: row.role === 'admin',
    scopes: [...userScopes(row.role)],
    created_at: row.createdAt.toISOString(),
  };
}
