-- A rolled key's calls count against the cap and month spend of the key that replaced it.
ALTER TABLE "api_keys" ADD COLUMN "cap_key_id" uuid;--> statement-breakpoint
-- Keys rolled before this migration: point each at the newest key of its line (the end of its
-- replaced_by chain), so that chains of rolls end in one cap.
WITH RECURSIVE walk(id, cur) AS (
  SELECT id, replaced_by FROM api_keys WHERE replaced_by IS NOT NULL
  UNION ALL
  SELECT w.id, k.replaced_by FROM walk w JOIN api_keys k ON k.id = w.cur WHERE k.replaced_by IS NOT NULL
)
UPDATE api_keys a SET cap_key_id = w.cur
FROM walk w JOIN api_keys r ON r.id = w.cur AND r.replaced_by IS NULL
WHERE a.id = w.id;--> statement-breakpoint
-- Rolls before this migration restarted the month's spend on the new key: add back what the
-- keys it replaced spent this UTC month.
UPDATE api_keys r SET
  period_spend_micro = CASE WHEN r.period_start = s.month THEN r.period_spend_micro ELSE 0 END + s.spent,
  period_start = s.month
FROM (
  SELECT cap_key_id, period_start AS month, sum(period_spend_micro) AS spent FROM api_keys
  WHERE cap_key_id IS NOT NULL AND period_start = date_trunc('month', now() AT TIME ZONE 'UTC')::date
  GROUP BY cap_key_id, period_start
) s
WHERE r.id = s.cap_key_id;
