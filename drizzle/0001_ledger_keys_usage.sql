CREATE TABLE "balance_holds" (
	"instance_id" text NOT NULL,
	"account_id" uuid NOT NULL,
	"amount_micro" bigint NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ledger_entries" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid NOT NULL,
	"amount_micro" bigint NOT NULL,
	"kind" text NOT NULL,
	"reference" text NOT NULL,
	"meta" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "ledger_entries_reference_unique" UNIQUE("reference")
);
--> statement-breakpoint
CREATE TABLE "topups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"token" text NOT NULL,
	"mint" text NOT NULL,
	"decimals" integer NOT NULL,
	"amount" bigint NOT NULL,
	"credit_micro" bigint NOT NULL,
	"price_usd" text NOT NULL,
	"reference" text NOT NULL,
	"memo" text NOT NULL,
	"status" text DEFAULT 'pending' NOT NULL,
	"signature" text,
	"failure_reason" text,
	"expires_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"credited_at" timestamp with time zone,
	CONSTRAINT "topups_reference_unique" UNIQUE("reference"),
	CONSTRAINT "topups_signature_unique" UNIQUE("signature")
);
--> statement-breakpoint
CREATE TABLE "api_keys" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"account_id" uuid NOT NULL,
	"name" text NOT NULL,
	"key_hash" text NOT NULL,
	"start" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_used_at" timestamp with time zone,
	"expires_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	"spend_cap_micro" bigint,
	"replaced_by" uuid,
	CONSTRAINT "api_keys_key_hash_unique" UNIQUE("key_hash")
);
--> statement-breakpoint
CREATE TABLE "usage_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"account_id" uuid,
	"key_id" uuid,
	"auth_kind" text NOT NULL,
	"product" text,
	"model" text NOT NULL,
	"input_tokens" integer NOT NULL,
	"output_tokens" integer NOT NULL,
	"cost_micro" bigint NOT NULL,
	"latency_ms" integer NOT NULL,
	"status" integer NOT NULL,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "x402_payments" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"message_hash" text NOT NULL,
	"payer" text NOT NULL,
	"amount" bigint NOT NULL,
	"network" text NOT NULL,
	"status" text NOT NULL,
	"transaction" text,
	"request_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"settled_at" timestamp with time zone,
	CONSTRAINT "x402_payments_message_hash_unique" UNIQUE("message_hash")
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "held_micro" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "balance_holds" ADD CONSTRAINT "balance_holds_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "ledger_entries" ADD CONSTRAINT "ledger_entries_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "topups" ADD CONSTRAINT "topups_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "usage_events" ADD CONSTRAINT "usage_events_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "balance_holds_instance_account_idx" ON "balance_holds" USING btree ("instance_id","account_id");--> statement-breakpoint
CREATE INDEX "balance_holds_heartbeat_idx" ON "balance_holds" USING btree ("heartbeat_at");--> statement-breakpoint
CREATE INDEX "ledger_account_idx" ON "ledger_entries" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "topups_account_idx" ON "topups" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "topups_pending_idx" ON "topups" USING btree ("status","expires_at");--> statement-breakpoint
CREATE INDEX "api_keys_account_idx" ON "api_keys" USING btree ("account_id","created_at");--> statement-breakpoint
CREATE INDEX "usage_account_time_idx" ON "usage_events" USING btree ("account_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "usage_account_key_time_idx" ON "usage_events" USING btree ("account_id","key_id","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "usage_account_model_time_idx" ON "usage_events" USING btree ("account_id","model","created_at" DESC NULLS LAST,"id" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "usage_key_time_idx" ON "usage_events" USING btree ("key_id","created_at");--> statement-breakpoint
ALTER TABLE "accounts" ADD CONSTRAINT "accounts_held_within_balance" CHECK ("accounts"."held_micro" >= 0 AND "accounts"."held_micro" <= "accounts"."balance_micro");