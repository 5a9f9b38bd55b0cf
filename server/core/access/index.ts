/** Who may see and do what: the owner scope every use case goes through, and the admin-only rules. */
export { assertUnderActiveWorkCap } from './active-work-cap';
export { actorOf, actsAsAdmin, ownedWhere, ownerFilter, ownerOf, owns, seesEveryOwner, type Actor } from './owner-scope';
