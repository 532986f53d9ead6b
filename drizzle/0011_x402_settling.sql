-- x402: the usage row is written before settlement; the payment points at it so that a failed
-- (or, after a crash, an undone) settlement can correct exactly that row.
ALTER TABLE "x402_payments" ADD COLUMN "usage_id" bigint;
