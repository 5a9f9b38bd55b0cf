CREATE TABLE "session_request" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"turn_id" text,
	"method" text NOT NULL,
	"kind" text NOT NULL,
	"params" jsonb NOT NULL,
	"approval_id" text,
	"owner_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp (3) with time zone,
	"result" jsonb,
	"error" jsonb
);
--> statement-breakpoint
CREATE TABLE "device" (
	"address" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"public_key" text NOT NULL,
	"permissions" jsonb NOT NULL,
	"owner_id" text NOT NULL,
	"paired_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	"revoke_reason" text
);
--> statement-breakpoint
CREATE TABLE "device_token" (
	"id" text PRIMARY KEY NOT NULL,
	"token_hash" text NOT NULL,
	"kind" text NOT NULL,
	"device_address" text NOT NULL,
	"family_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"used_at" timestamp (3) with time zone,
	"revoked_at" timestamp (3) with time zone,
	CONSTRAINT "device_token_token_hash_unique" UNIQUE("token_hash")
);
--> statement-breakpoint
CREATE TABLE "pairing" (
	"id" text PRIMARY KEY NOT NULL,
	"code_hash" text NOT NULL,
	"challenge" text NOT NULL,
	"permissions" jsonb NOT NULL,
	"owner_id" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp (3) with time zone NOT NULL,
	"completed_at" timestamp (3) with time zone,
	"device_address" text,
	CONSTRAINT "pairing_code_hash_unique" UNIQUE("code_hash")
);
--> statement-breakpoint
ALTER TABLE "session_request" ADD CONSTRAINT "session_request_session_id_agent_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."agent_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "device_token" ADD CONSTRAINT "device_token_device_address_device_address_fk" FOREIGN KEY ("device_address") REFERENCES "public"."device"("address") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "session_request_session_idx" ON "session_request" USING btree ("session_id","created_at");--> statement-breakpoint
CREATE INDEX "device_owner_idx" ON "device" USING btree ("owner_id","created_at");--> statement-breakpoint
CREATE INDEX "device_token_family_idx" ON "device_token" USING btree ("family_id");--> statement-breakpoint
CREATE INDEX "device_token_device_idx" ON "device_token" USING btree ("device_address");--> statement-breakpoint
CREATE INDEX "pairing_owner_idx" ON "pairing" USING btree ("owner_id","created_at");