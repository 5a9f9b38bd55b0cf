/** The users use cases (sign-up, sign-in, who am I), for transports to call as `users.<useCase>(deps, …)`. */
export { authConfig, authConfigSchema, type AuthConfig } from './auth-config';
export { describePrincipal, principalSchema, type PrincipalDto } from './describe-principal';
export { identifyToken } from './identify-token';
export type { IssuedSession } from './issue-session';
export { logIn, type LoginInput } from './log-in';
export { logOut } from './log-out';
export { registerUser, type RegisterInput } from './register-user';
export {
  closeTokenSession,
  DASHBOARD_SESSION_SECONDS,
  issueStreamTicket,
  openTokenSession,
  signInWithToken,
  STREAM_TICKET_SECONDS,
  streamTicketSchema,
  type StreamTicket,
  type TokenSignIn,
} from './token-sessions';
export { startOAuth, type StartOAuthInput, type StartedOAuth } from './start-oauth';
export { userSchema, type UserDto } from './user-dto';
