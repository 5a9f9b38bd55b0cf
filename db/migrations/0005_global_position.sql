-- The global stream stops being a stream of copies with its own hot head row: every event gets its
-- place in it (global_pos) instead. Events already stored keep their old global order as 1..N, far
-- below any position a transaction will derive from its id, so readers resume across the change.
ALTER TABLE "event" ADD COLUMN "global_pos" bigint;--> statement-breakpoint
WITH "ordered" AS (
	SELECT "e"."stream_id", "e"."seq",
		row_number() OVER (ORDER BY "g"."seq" NULLS LAST, "e"."created_at", "e"."stream_id", "e"."seq") AS "pos"
	FROM "event" "e"
	LEFT JOIN "event" "g" ON "g"."stream_id" = 'global'
		AND "g"."data"->>'stream' = "e"."stream_id"
		AND ("g"."data"->>'stream_seq')::integer = "e"."seq"
	WHERE "e"."stream_id" <> 'global'
)
UPDATE "event" SET "global_pos" = "ordered"."pos"
FROM "ordered" WHERE "event"."stream_id" = "ordered"."stream_id" AND "event"."seq" = "ordered"."seq";--> statement-breakpoint
DELETE FROM "event" WHERE "stream_id" = 'global';--> statement-breakpoint
DELETE FROM "stream_head" WHERE "stream_id" = 'global';--> statement-breakpoint
ALTER TABLE "event" ALTER COLUMN "global_pos" SET NOT NULL;--> statement-breakpoint
CREATE UNIQUE INDEX "event_global_pos_idx" ON "event" USING btree ("global_pos");
