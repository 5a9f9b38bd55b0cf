-- Every run, session, approval, file and usage record gets an owner. Existing rows are backfilled
-- from who created them: a user keeps their objects, a key's objects go to the key's owner, and
-- anything else (the admin token, devices, keys since deleted) goes to the admin.
ALTER TABLE "run" ADD COLUMN "owner_id" text;--> statement-breakpoint
UPDATE "run" SET "owner_id" = coalesce((SELECT "id" FROM "user" WHERE "user"."id" = "run"."created_by"), (SELECT "reference_id" FROM "apikey" WHERE "apikey"."id" = "run"."created_by"), 'admin');--> statement-breakpoint
ALTER TABLE "run" ALTER COLUMN "owner_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "agent_session" ADD COLUMN "owner_id" text;--> statement-breakpoint
UPDATE "agent_session" SET "owner_id" = coalesce((SELECT "id" FROM "user" WHERE "user"."id" = "agent_session"."created_by"), (SELECT "reference_id" FROM "apikey" WHERE "apikey"."id" = "agent_session"."created_by"), 'admin');--> statement-breakpoint
ALTER TABLE "agent_session" ALTER COLUMN "owner_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "file" ADD COLUMN "owner_id" text;--> statement-breakpoint
UPDATE "file" SET "owner_id" = coalesce((SELECT "id" FROM "user" WHERE "user"."id" = "file"."created_by"), (SELECT "reference_id" FROM "apikey" WHERE "apikey"."id" = "file"."created_by"), 'admin');--> statement-breakpoint
ALTER TABLE "file" ALTER COLUMN "owner_id" SET NOT NULL;--> statement-breakpoint
-- Approvals and usage belong to the owner of the run or session they came from.
ALTER TABLE "approval" ADD COLUMN "owner_id" text;--> statement-breakpoint
UPDATE "approval" SET "owner_id" = coalesce((SELECT "owner_id" FROM "run" WHERE "run"."id" = "approval"."run_id"), (SELECT "owner_id" FROM "agent_session" WHERE "agent_session"."id" = "approval"."session_id"), 'admin');--> statement-breakpoint
ALTER TABLE "approval" ALTER COLUMN "owner_id" SET NOT NULL;--> statement-breakpoint
ALTER TABLE "usage_record" ADD COLUMN "owner_id" text;--> statement-breakpoint
UPDATE "usage_record" SET "owner_id" = coalesce((SELECT "owner_id" FROM "run" WHERE "run"."id" = "usage_record"."run_id"), (SELECT "owner_id" FROM "agent_session" WHERE "agent_session"."id" = "usage_record"."session_id"), (SELECT "id" FROM "user" WHERE "user"."id" = "usage_record"."principal_id"), (SELECT "reference_id" FROM "apikey" WHERE "apikey"."id" = "usage_record"."principal_id"), 'admin');--> statement-breakpoint
ALTER TABLE "usage_record" ALTER COLUMN "owner_id" SET NOT NULL;--> statement-breakpoint
CREATE INDEX "file_owner_idx" ON "file" USING btree ("owner_id");--> statement-breakpoint
CREATE INDEX "agent_session_owner_idx" ON "agent_session" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "approval_owner_idx" ON "approval" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "run_owner_idx" ON "run" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "usage_owner_idx" ON "usage_record" USING btree ("owner_id","created_at");
