/**
 * What a signed-in session looks like on the Access page: a user's own sign-in (a better-auth
 * session: email/password or OAuth) or a dashboard signed in with the admin token or an API key (one
 * of our token sessions). Never a token or its hash.
 */
import { z } from 'zod';
import { TOKEN_SESSION_CREDENTIAL } from '@/server/auth/keys';
import { sessionCredential } from '@/server/auth/principal';

export const SIGN_IN_SESSION_KINDS = ['user', 'token'] as const;
export type SignInSessionKind = (typeof SIGN_IN_SESSION_KINDS)[number];

export const signInSessionSchema = z.object({
  id: z.string(),
  kind: z.enum(SIGN_IN_SESSION_KINDS),
  /** Whose session it is (a user id, or `admin`), and by name where one is known. */
  owner_id: z.string().nullable(),
  owner_name: z.string().nullable(),
  /** What it was opened with: `password or OAuth` for a user's sign-in, else the admin token or an API key. */
  method: z.string(),
  ip_address: z.string().nullable(),
  user_agent: z.string().nullable(),
  created_at: z.string(),
  expires_at: z.string(),
  /** The session this very request stands on. */
  current: z.boolean(),
});
export type SignInSession = z.infer<typeof signInSessionSchema>;

/** The credential a session's principal stands on: revoking it ends the streams the session opened. */
export function credentialOfSession(kind: SignInSessionKind, id: string): string {
  return kind === 'user' ? sessionCredential(id) : `${TOKEN_SESSION_CREDENTIAL}:${id}`;
}
