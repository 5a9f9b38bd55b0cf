import type { Db } from '@/db/client';

/**
 * Runs several reads against one snapshot. A detail view reads a parent row and its children in
 * separate queries; without a shared snapshot a status change committed between them shows a
 * session "running" whose turn already waits for approval.
 */
export function readSnapshot<T>(db: Db, read: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => read(tx as unknown as Db), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}
