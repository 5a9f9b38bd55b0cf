/**
 * Uploaded files. The bytes live on disk under DATA_DIR/files/<id>; the row keeps what clients are
 * shown (name, type, size, sha256) and who uploaded it, so a listing never touches the disk.
 */
import { bigint, index, pgTable, text, timestamp } from 'drizzle-orm/pg-core';

export const file = pgTable(
  'file',
  {
    id: text('id').primaryKey(),
    originalName: text('original_name').notNull(),
    mimeType: text('mime_type').notNull(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    sha256: text('sha256').notNull(),
    // The principal id that uploaded it (a device address, a user id, a key id, or `admin`).
    createdBy: text('created_by').notNull(),
    // Whose file it is (a user id, or `admin`): only its owner (and the admin) can see it.
    ownerId: text('owner_id').notNull(),
    // Relative to DATA_DIR, so a moved data directory keeps working.
    storagePath: text('storage_path').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('file_created_by_idx').on(t.createdBy), index('file_owner_idx').on(t.ownerId)],
);
