CREATE TABLE "key_cap_holds" (
	"instance_id" text NOT NULL,
	"key_id" uuid NOT NULL,
	"amount_micro" bigint NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "period_start" date;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "period_spend_micro" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "cap_held_micro" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "key_cap_holds" ADD CONSTRAINT "key_cap_holds_key_id_api_keys_id_fk" FOREIGN KEY ("key_id") REFERENCES "public"."api_keys"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "key_cap_holds_instance_key_idx" ON "key_cap_holds" USING btree ("instance_id","key_id");--> statement-breakpoint
CREATE INDEX "key_cap_holds_heartbeat_idx" ON "key_cap_holds" USING btree ("heartbeat_at");