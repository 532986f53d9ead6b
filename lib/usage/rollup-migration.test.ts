import { describe, expect, it } from "vitest";
import { testDbKinds } from "@/lib/test/db";
import { ALL_MIGRATIONS, migrationsBefore, unmigratedDb } from "@/lib/test/migrations";
import { checkUsageRollup } from "@/lib/billing/ledger-check";
import type { Queryable } from "@/lib/db";

// An installation that already has usage events when it upgrades: the migration that adds the
// rollup must sum what is there, exactly once, and the triggers must take over from then on.

const BEFORE_ROLLUP = "0004_usage_hourly";

async function seedEvents(q: Queryable) {
  const [{ id }] = (await q.query<{ id: string }>(
    "INSERT INTO accounts (wallet) VALUES ('UpgradeWa11et111111111111111111111111111111') RETURNING id",
  )) as [{ id: string }];
  await q.query(
    `INSERT INTO usage_events (account_id, key_id, auth_kind, model, input_tokens, output_tokens, cost_micro, latency_ms, status, created_at)
     SELECT $1, NULL, 'key', CASE WHEN g % 3 = 0 THEN 'm-a' ELSE 'm-b' END, g, g * 2, 10 + g, 5, CASE WHEN g % 7 = 0 THEN 500 ELSE 200 END,
            timestamptz '2026-01-01 00:00:00+00' + g * interval '7 minutes 13 seconds'
     FROM generate_series(1, 2000) g`,
    [id],
  );
  return id;
}

describe.each(testDbKinds())("upgrading to the usage rollup (%s)", (kind) => {
  it("sums the existing events once, then keeps counting new ones", async () => {
    const before = migrationsBefore(BEFORE_ROLLUP);
    const { q, migrate, close } = await unmigratedDb(kind);
    try {
      await migrate(before);
      const accountId = await seedEvents(q);
      await migrate(ALL_MIGRATIONS);
      const [rolled] = await q.query<{ n: string; c: string }>(
        "SELECT sum(requests)::text AS n, sum(cost_micro)::text AS c FROM usage_hourly WHERE account_id = $1",
        [accountId],
      );
      // Σ (10 + g) for g = 1..2000.
      expect(rolled).toEqual({ n: "2000", c: String(2000 * 10 + (2000 * 2001) / 2) });
      expect(await checkUsageRollup(q)).toEqual([]);
      await q.query(
        "INSERT INTO usage_events (account_id, auth_kind, model, input_tokens, output_tokens, cost_micro, latency_ms, status, created_at) VALUES ($1, 'key', 'm-a', 1, 1, 99, 1, 200, now())",
        [accountId],
      );
      expect(await checkUsageRollup(q)).toEqual([]);
    } finally {
      await close();
    }
  });
});
