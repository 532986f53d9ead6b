-- A lease per hold row, new whenever the row is (re)created: every write to a hold names it, so an instance whose row was swept can no longer touch it (lib/gateway/README.md).
ALTER TABLE "balance_holds" ADD COLUMN "lease" uuid DEFAULT gen_random_uuid() NOT NULL;--> statement-breakpoint
ALTER TABLE "key_cap_holds" ADD COLUMN "lease" uuid DEFAULT gen_random_uuid() NOT NULL;
