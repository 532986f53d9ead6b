CREATE TABLE "usage_hourly" (
	"account_id" uuid NOT NULL,
	"hour" timestamp with time zone NOT NULL,
	"key_id" uuid,
	"model" text NOT NULL,
	"status" integer NOT NULL,
	"requests" bigint NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cost_micro" bigint NOT NULL,
	CONSTRAINT "usage_hourly_group" UNIQUE NULLS NOT DISTINCT("account_id","hour","key_id","model","status")
);
