CREATE TABLE "event" (
	"stream_id" text NOT NULL,
	"seq" integer NOT NULL,
	"type" text NOT NULL,
	"data" jsonb NOT NULL,
	"idempotency_key" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_stream_id_seq_pk" PRIMARY KEY("stream_id","seq")
);
--> statement-breakpoint
CREATE TABLE "stream_head" (
	"stream_id" text PRIMARY KEY NOT NULL,
	"last_seq" integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE "agent_session" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_path" text NOT NULL,
	"status" text NOT NULL,
	"mode" text DEFAULT 'chat' NOT NULL,
	"spec_path" text,
	"system_prompt" text,
	"model_ref" text NOT NULL,
	"title" text,
	"policy" jsonb NOT NULL,
	"auto_run" boolean DEFAULT true NOT NULL,
	"origin" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"parent_id" text,
	"last_turn_id" text,
	"error" text,
	"created_by" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "approval" (
	"id" text PRIMARY KEY NOT NULL,
	"run_id" text,
	"session_id" text,
	"turn_id" text,
	"step_id" text NOT NULL,
	"tool_call_id" text NOT NULL,
	"tool_name" text NOT NULL,
	"category" text NOT NULL,
	"summary" text NOT NULL,
	"input" jsonb,
	"status" text NOT NULL,
	"decided_by" text,
	"reason" text,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"decided_at" timestamp (3) with time zone,
	"expires_at" timestamp (3) with time zone,
	CONSTRAINT "approval_step_id_unique" UNIQUE("step_id")
);
--> statement-breakpoint
CREATE TABLE "message" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"turn_id" text,
	"sequence" integer NOT NULL,
	"role" text NOT NULL,
	"parts" jsonb NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "run" (
	"id" text PRIMARY KEY NOT NULL,
	"workspace_path" text NOT NULL,
	"spec_path" text,
	"prompt" text NOT NULL,
	"model_ref" text NOT NULL,
	"status" text NOT NULL,
	"policy" jsonb NOT NULL,
	"error" text,
	"origin" text NOT NULL,
	"metadata" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"created_by" text NOT NULL,
	"cancel_requested_at" timestamp (3) with time zone,
	"lease_owner" text,
	"lease_expires_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "step" (
	"id" text PRIMARY KEY NOT NULL,
	"owner_id" text NOT NULL,
	"index" integer NOT NULL,
	"kind" text NOT NULL,
	"title" text NOT NULL,
	"status" text NOT NULL,
	"needs_approval" boolean DEFAULT false NOT NULL,
	"tool_name" text,
	"tool_call_id" text,
	"command" text,
	"input" jsonb,
	"output" jsonb,
	"started_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "turn" (
	"id" text PRIMARY KEY NOT NULL,
	"session_id" text NOT NULL,
	"index" integer NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"retry_of" text,
	"cancel_requested_at" timestamp (3) with time zone,
	"cancel_as" text,
	"lease_owner" text,
	"lease_expires_at" timestamp (3) with time zone,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	"started_at" timestamp (3) with time zone,
	"completed_at" timestamp (3) with time zone
);
--> statement-breakpoint
CREATE TABLE "workspace" (
	"id" text PRIMARY KEY NOT NULL,
	"path" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "workspace_path_unique" UNIQUE("path")
);
--> statement-breakpoint
CREATE TABLE "usage_record" (
	"id" text PRIMARY KEY NOT NULL,
	"step_id" text NOT NULL,
	"provider" text NOT NULL,
	"model" text NOT NULL,
	"input_tokens" integer NOT NULL,
	"output_tokens" integer NOT NULL,
	"cost_usd" double precision NOT NULL,
	"run_id" text,
	"session_id" text,
	"turn_id" text,
	"principal_id" text NOT NULL,
	"created_at" timestamp (3) with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "usage_record_step_id_unique" UNIQUE("step_id")
);
--> statement-breakpoint
CREATE TABLE "llm_model" (
	"id" text PRIMARY KEY NOT NULL,
	"provider_id" text NOT NULL,
	"model_id" text NOT NULL,
	"display_name" text NOT NULL,
	"capabilities" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"input_per_mtok" double precision DEFAULT 0 NOT NULL,
	"output_per_mtok" double precision DEFAULT 0 NOT NULL,
	"is_default" boolean DEFAULT false NOT NULL,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "llm_provider" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"provider_type" text NOT NULL,
	"base_url" text,
	"api_key_encrypted" text,
	"status" text DEFAULT 'active' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "setting" (
	"key" text PRIMARY KEY NOT NULL,
	"value" jsonb NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "message" ADD CONSTRAINT "message_session_id_agent_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."agent_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "turn" ADD CONSTRAINT "turn_session_id_agent_session_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."agent_session"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "llm_model" ADD CONSTRAINT "llm_model_provider_id_llm_provider_id_fk" FOREIGN KEY ("provider_id") REFERENCES "public"."llm_provider"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "event_idempotency_idx" ON "event" USING btree ("stream_id","idempotency_key");--> statement-breakpoint
CREATE INDEX "agent_session_created_idx" ON "agent_session" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "approval_status_idx" ON "approval" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "message_session_sequence_idx" ON "message" USING btree ("session_id","sequence");--> statement-breakpoint
CREATE INDEX "run_created_idx" ON "run" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "run_status_idx" ON "run" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "step_owner_index_idx" ON "step" USING btree ("owner_id","index");--> statement-breakpoint
CREATE UNIQUE INDEX "turn_session_index_idx" ON "turn" USING btree ("session_id","index");--> statement-breakpoint
CREATE INDEX "usage_created_idx" ON "usage_record" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "usage_provider_idx" ON "usage_record" USING btree ("provider","created_at");--> statement-breakpoint
CREATE UNIQUE INDEX "llm_model_provider_model_idx" ON "llm_model" USING btree ("provider_id","model_id");