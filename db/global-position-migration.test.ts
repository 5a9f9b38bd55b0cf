/**
 * The migration that replaced the stored global copies with a position per event, applied to a store
 * written the old way: every event keeps its old global order, the copies and their head row go.
 */
import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';

const MIGRATIONS = path.join(import.meta.dirname, 'migrations');

function statementsOf(tag: string): string[] {
  return fs
    .readFileSync(path.join(MIGRATIONS, `${tag}.sql`), 'utf8')
    .split('--> statement-breakpoint')
    .filter((s) => s.trim());
}

async function run(db: PGlite, tags: string[]) {
  for (const tag of tags) for (const statement of statementsOf(tag)) await db.exec(statement);
}

describe('global_position migration', () => {
  it('numbers stored events in their old global order and removes the global copies', async () => {
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string }> };
    const tags = journal.entries.map((e) => e.tag);
    const at = tags.findIndex((t) => t.endsWith('_global_position'));
    expect(at).toBeGreaterThan(0);
    const db = new PGlite();
    try {
      await run(db, tags.slice(0, at));
      // The old layout: each event, then its copy in 'global' naming it; run:b's first event was appended before run:a's second.
      const old: Array<[string, number, number]> = [
        ['run:a', 1, 1],
        ['run:b', 1, 2],
        ['run:a', 2, 3],
        ['session:c', 1, 4],
      ];
      for (const [stream, seq, globalSeq] of old) {
        await db.query(`insert into event (stream_id, seq, type, data) values ($1, $2, 'tick', '{"x":1}')`, [stream, seq]);
        await db.query(`insert into event (stream_id, seq, type, data) values ('global', $1, 'tick', $2::jsonb)`, [globalSeq, JSON.stringify({ x: 1, stream, stream_seq: seq })]);
      }
      await db.exec(`insert into stream_head values ('run:a', 2), ('run:b', 1), ('session:c', 1), ('global', 4)`);

      await run(db, tags.slice(at, at + 1));

      const events = await db.query<{ stream_id: string; seq: number; global_pos: number; data: unknown }>('select stream_id, seq, global_pos, data from event order by global_pos');
      expect(events.rows.map((r) => [r.stream_id, r.seq, Number(r.global_pos)])).toEqual(old.map(([stream, seq], i) => [stream, seq, i + 1]));
      expect(events.rows.every((r) => JSON.stringify(r.data) === '{"x":1}')).toBe(true);
      const heads = await db.query<{ stream_id: string }>('select stream_id from stream_head order by stream_id');
      expect(heads.rows.map((r) => r.stream_id)).toEqual(['run:a', 'run:b', 'session:c']);
      // New appends land far above the old positions.
      const fence = await db.query<{ pos: string }>('select pg_snapshot_xmin(pg_current_snapshot())::text::bigint * 65536 as pos');
      expect(Number(fence.rows[0]!.pos)).toBeGreaterThan(old.length);
    } finally {
      await db.close();
    }
  });
});
