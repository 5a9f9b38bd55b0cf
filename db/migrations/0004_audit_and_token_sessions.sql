CREATE TABLE "audit_event" (
	"id" text PRIMARY KEY NOT NULL,
	"action" text NOT NULL,
	"principal_kind" text NOT NULL,
	"principal_id" text NOT NULL,
	"owner_id" text,
	"target_kind" text,
	"target_id" text,
	"detail" jsonb,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "token_session" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"purpose" text NOT NULL,
	"credentials" text NOT NULL,
	"owner_id" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "token_session_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE INDEX "audit_event_owner_idx" ON "audit_event" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "audit_event_created_idx" ON "audit_event" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "token_session_expires_idx" ON "token_session" USING btree ("expires_at");--> statement-breakpoint
-- Session tokens are stored as hashes from now on: rows written before hold raw tokens, which must not stay in the database (their holders sign in again).
DELETE FROM "session";
