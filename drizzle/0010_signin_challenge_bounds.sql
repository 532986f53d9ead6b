ALTER TABLE "signin_challenges" ADD COLUMN "client_address" text;--> statement-breakpoint
CREATE INDEX "signin_challenges_open_idx" ON "signin_challenges" USING btree ("expires_at") WHERE "signin_challenges"."used_at" IS NULL;--> statement-breakpoint
CREATE INDEX "signin_challenges_client_open_idx" ON "signin_challenges" USING btree ("client_address","expires_at") WHERE "signin_challenges"."used_at" IS NULL;
