/**
 * Object-level ownership, in one place. Every run, session, approval, file and usage record has an
 * owner (a user id, or `admin` for work submitted with the admin token); API keys act as their
 * owner. A principal holding the `admin` scope sees every owner's objects; anyone else sees their
 * owner's only, and another owner's object does not exist for them (404, never 403: a 403 would
 * confirm the id). Every use case that reads or acts on such an object filters through here.
 */
import { and, eq, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { ADMIN_PRINCIPAL_ID, can, type Principal } from '@/server/auth/principal';

/** The owner new objects get and reads are scoped to. A credential of no one's owns what it makes. */
export function ownerOf(principal: Principal): string {
  return principal.ownerId ?? principal.id;
}

/** The admin sees (and acts on) every owner's objects. */
export function seesEveryOwner(principal: Principal): boolean {
  return can(principal, 'admin');
}

/**
 * Acts with the admin's privileges (profiles that skip approvals, any workspace root, no cap): the
 * admin token, an admin user, and the keys either of them created for the server's own use.
 */
export function actsAsAdmin(principal: Principal): boolean {
  return seesEveryOwner(principal) || ownerOf(principal) === ADMIN_PRINCIPAL_ID;
}

/** The condition that keeps a query to the principal's objects: none for the admin. */
export function ownerFilter(principal: Principal, ownerColumn: AnyPgColumn): SQL | undefined {
  return seesEveryOwner(principal) ? undefined : eq(ownerColumn, ownerOf(principal));
}

/** `where` narrowed to the principal's objects (either part may be absent). */
export function ownedWhere(principal: Principal, ownerColumn: AnyPgColumn, where?: SQL): SQL | undefined {
  const scope = ownerFilter(principal, ownerColumn);
  return scope && where ? and(where, scope) : (scope ?? where);
}

/** Whether an object with this owner is the principal's to see: for objects already in hand. */
export function owns(principal: Principal, objectOwnerId: string): boolean {
  return seesEveryOwner(principal) || objectOwnerId === ownerOf(principal);
}

/** Who did something, as work events record it (approvals, cancels, emergency stops). */
export interface Actor {
  kind: Principal['kind'];
  id: string;
  owner_id: string;
}

export function actorOf(principal: Principal): Actor {
  return { kind: principal.kind, id: principal.id, owner_id: ownerOf(principal) };
}
