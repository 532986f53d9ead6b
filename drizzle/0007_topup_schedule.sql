ALTER TABLE "topups" ADD COLUMN "next_check_at" timestamp with time zone DEFAULT now() NOT NULL;--> statement-breakpoint
ALTER TABLE "topups" ADD COLUMN "check_attempts" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "topups" ADD COLUMN "seen_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "topups" ADD COLUMN "scan_cursor" text;--> statement-breakpoint
CREATE INDEX "topups_due_idx" ON "topups" USING btree ("status","next_check_at");
