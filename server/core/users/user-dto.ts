import { z } from 'zod';
import type { user } from '@/db/schema';
import { userScopes } from '@/server/auth/resolve';
import type { Scope } from '@/server/auth/scopes';

export const userSchema = z.object({
  id: z.string(),
  email: z.string(),
  name: z.string(),
  username: z.string().nullable(),
  role: z.string(),
  is_superuser: z.boolean(),
  scopes: z.array(z.string()),
  created_at: z.string(),
});
export type UserDto = z.infer<typeof userSchema>;

/** `signupScopes`: what the server grants users who are not admins (SIGNUP_SCOPES). */
export function toUserDto(row: Pick<typeof user.$inferSelect, 'id' | 'email' | 'name' | 'username' | 'role' | 'createdAt'>, signupScopes?: readonly Scope[]): UserDto {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    username: row.username ?? null,
    role: row.role,
    is_superuser: row.role === 'admin',
    scopes: [...userScopes(row.role, signupScopes)],
    created_at: row.createdAt.toISOString(),
  };
}
