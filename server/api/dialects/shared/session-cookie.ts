import { SESSION_COOKIE } from '@/server/auth/resolve';
import type { Services } from '@/server/services';

/** The dashboard's (and Everruns's) cookie: HttpOnly so page scripts never see the credential. */
export function sessionCookie(services: Services, token: string, maxAgeSeconds: number): string {
  const secure = services.env.publicUrl.startsWith('https://') ? '; Secure' : '';
  return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/; HttpOnly; SameSite=Lax; Max-Age=${maxAgeSeconds}${secure}`;
}

export function expiredCookies(): string[] {
  return [SESSION_COOKIE, 'switchboard.session_token'].map(
    (name) => `${name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0; Expires=Thu, 01 Jan 1970 00:00:00 GMT`,
  );
}
