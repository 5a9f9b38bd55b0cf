/** Wire shapes of the `/api/auth/*` and `/health` endpoints Autopack and Everruns share. */
import { z } from 'zod';
import * as users from '@/server/core/users';
import { autopackHealth } from '../autopack/shapes';
import { everrunsHealthFields } from '../everruns/shapes';

export const registerInput = z
  .object({
    email: z.string().trim().email().max(320),
    password: z.string().min(1).max(256),
    name: z.string().trim().min(1).max(200).optional(),
    username: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9_.-]{2,64}$/, 'letters, digits, _ . - (2 to 64)')
      .optional(),
    full_name: z.string().trim().max(200).optional(),
  });

// JSON `{email|username, password}`, or FastAPI's OAuth2 form (`username`, `password`, urlencoded).
export const loginInput = z
  .object({
    email: z.string().trim().min(1).optional(),
    username: z.string().trim().min(1).optional(),
    password: z.string().min(1, 'is required'),
  })
  .refine((body) => body.email ?? body.username, { message: 'email or username is required', path: ['email'] });

/** The token response; `token_type` is spelled as each dialect documents it. */
export const tokenResponse = z.object({
  access_token: z.string(),
  token_type: z.string(),
  expires_in: z.number().int(),
  expires_at: z.string(),
  user: users.userSchema,
});

/** Registration answers the new user and, at the same level, the token that signs them in. */
export const registeredUser = users.userSchema.extend(tokenResponse.shape);

/** A response that also sets cookies: the session, or its removal. */
export const withCookie = <T extends z.ZodType>(body: T) =>
  z.object({ headers: z.object({ 'set-cookie': z.union([z.string(), z.array(z.string())]) }), body });

/** `/health` at the root serves Autopack and Everruns clients at once: the union of both documents. */
export const rootHealth = autopackHealth.extend(everrunsHealthFields.shape);
