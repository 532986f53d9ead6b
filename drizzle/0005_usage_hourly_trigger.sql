-- Keeps usage_hourly equal to the grouped sum of usage_events. Statement-level triggers see all
-- the rows of one statement at once (the gateway writes a whole batch in one INSERT), so a batch
-- costs one grouped upsert, not one per event. Groups are upserted in a fixed order so that two
-- concurrent batches touching the same groups lock them in the same order and cannot deadlock.
-- date_bin, unlike date_trunc, does not depend on the session's TimeZone.
CREATE FUNCTION usage_hourly_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') THEN
    UPDATE usage_hourly h SET requests = h.requests - o.requests, input_tokens = h.input_tokens - o.input_tokens,
           output_tokens = h.output_tokens - o.output_tokens, cost_micro = h.cost_micro - o.cost_micro
    FROM (
      SELECT account_id, date_bin('1 hour', created_at, timestamptz '2000-01-01 00:00:00+00') AS hour, key_id, model, status,
             count(*) AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_micro) AS cost_micro
      FROM old_rows WHERE account_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5
    ) o
    WHERE h.account_id = o.account_id AND h.hour = o.hour AND h.key_id IS NOT DISTINCT FROM o.key_id AND h.model = o.model AND h.status = o.status;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') THEN
    INSERT INTO usage_hourly (account_id, hour, key_id, model, status, requests, input_tokens, output_tokens, cost_micro)
    SELECT account_id, date_bin('1 hour', created_at, timestamptz '2000-01-01 00:00:00+00'), key_id, model, status,
           count(*), sum(input_tokens), sum(output_tokens), sum(cost_micro)
    FROM new_rows WHERE account_id IS NOT NULL
    GROUP BY 1, 2, 3, 4, 5 ORDER BY 1, 2, 3, 4, 5
    ON CONFLICT ON CONSTRAINT usage_hourly_group DO UPDATE SET
      requests = usage_hourly.requests + excluded.requests, input_tokens = usage_hourly.input_tokens + excluded.input_tokens,
      output_tokens = usage_hourly.output_tokens + excluded.output_tokens, cost_micro = usage_hourly.cost_micro + excluded.cost_micro;
  END IF;
  RETURN NULL;
END $$;
--> statement-breakpoint
CREATE TRIGGER usage_hourly_insert AFTER INSERT ON usage_events REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION usage_hourly_apply();
--> statement-breakpoint
CREATE TRIGGER usage_hourly_update AFTER UPDATE ON usage_events REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION usage_hourly_apply();
--> statement-breakpoint
CREATE TRIGGER usage_hourly_delete AFTER DELETE ON usage_events REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION usage_hourly_apply();
--> statement-breakpoint
-- The triggers exist (and hold their lock on usage_events until this migration commits) before
-- the existing events are summed, so no event is counted twice or missed.
INSERT INTO usage_hourly (account_id, hour, key_id, model, status, requests, input_tokens, output_tokens, cost_micro)
SELECT account_id, date_bin('1 hour', created_at, timestamptz '2000-01-01 00:00:00+00'), key_id, model, status,
       count(*), sum(input_tokens), sum(output_tokens), sum(cost_micro)
FROM usage_events WHERE account_id IS NOT NULL
GROUP BY 1, 2, 3, 4, 5;
