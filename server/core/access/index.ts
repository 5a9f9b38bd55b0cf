/** Who may see and do what: the owner scope every use case goes through, and the admin-only rules. */
export { assertUnderActiveWorkCap } from './active-work-cap';
export { actorOf, actsAsAdmin, ownedWhere, ownerFilter, ownerOf, owns, seesEveryOwner, type Actor } from './owner-scope';
export { listSignInSessions } from './list-sign-in-sessions';
export { revokeSignInSession, type RevokeSignInSessionInput } from './revoke-sign-in-session';
export { SIGN_IN_SESSION_KINDS, signInSessionSchema, type SignInSession, type SignInSessionKind } from './sign-in-sessions';
