-- Key limits and management keys: a model allowlist (NULL = every model), the cap's UTC calendar period, and what the key may do.
ALTER TABLE "api_keys" ADD COLUMN "models" text[];--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "cap_period" text DEFAULT 'month' NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD CONSTRAINT "api_keys_cap_period_check" CHECK ("cap_period" IN ('day', 'week', 'month'));--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "can_manage_keys" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "api_keys" ADD COLUMN "can_call_models" boolean DEFAULT true NOT NULL;
