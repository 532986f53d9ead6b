import { describe, expect, it } from "vitest";
import { testDbKinds } from "@/lib/test/db";
import { ALL_MIGRATIONS, migrationsBefore, unmigratedDb } from "@/lib/test/migrations";
import type { Queryable } from "@/lib/db";

// An installation with keys rolled before cap lineage existed: the migration points every rolled
// key at the newest key of its line and adds this month's spend of the rolled keys to it.

const TAG = "0009_key_cap_lineage";

const now = new Date();
const thisMonth = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}-01`;
const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const lastMonth = `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, "0")}-01`;

async function seed(q: Queryable) {
  const [{ id: account }] = (await q.query<{ id: string }>(
    "INSERT INTO accounts (wallet) VALUES ('LineageWa11et11111111111111111111111111111') RETURNING id",
  )) as [{ id: string }];
  const ids: Record<string, string> = {};
  // name, replaced by, period start, period spend; newest last so replaced_by can point forward.
  const keys: [string, string | null, string | null, number][] = [
    ["e", null, null, 0],
    ["d", "e", lastMonth, 999],
    ["c", null, thisMonth, 5],
    ["b", "c", thisMonth, 30],
    ["a", "b", thisMonth, 100],
    ["f", null, thisMonth, 7],
  ];
  for (const [name, replacedBy, periodStart, spent] of keys) {
    const [{ id }] = (await q.query<{ id: string }>(
      `INSERT INTO api_keys (account_id, name, key_hash, start, replaced_by, period_start, period_spend_micro, spend_cap_micro)
       VALUES ($1, $2, $3, 'sk_solrouter_x…', $4, $5, $6, 1000) RETURNING id`,
      [account, name, `hash-${name}`, replacedBy ? ids[replacedBy] : null, periodStart, spent],
    )) as [{ id: string }];
    ids[name] = id;
  }
  return ids;
}

describe.each(testDbKinds())("upgrading to key cap lineage (%s)", (kind) => {
  it("points rolled keys at the end of their line and carries this month's spend over", async () => {
    const before = migrationsBefore(TAG);
    const { q, migrate, close } = await unmigratedDb(kind);
    try {
      await migrate(before);
      const ids = await seed(q);
      await migrate(ALL_MIGRATIONS);
      const rows = await q.query<{
        name: string;
        cap_key_id: string | null;
        period_start: unknown;
        period_spend_micro: string;
      }>(
        "SELECT name, cap_key_id, to_char(period_start, 'YYYY-MM-DD') AS period_start, period_spend_micro::text FROM api_keys ORDER BY name",
      );
      const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
      expect(byName.a).toMatchObject({ cap_key_id: ids.c, period_spend_micro: "100" });
      expect(byName.b).toMatchObject({ cap_key_id: ids.c, period_spend_micro: "30" });
      expect(byName.c).toMatchObject({ cap_key_id: null, period_start: thisMonth, period_spend_micro: "135" });
      expect(byName.d).toMatchObject({ cap_key_id: ids.e });
      // Last month's spend of a key rolled then does not count this month.
      expect(byName.e).toMatchObject({ cap_key_id: null, period_start: null, period_spend_micro: "0" });
      expect(byName.f).toMatchObject({ cap_key_id: null, period_spend_micro: "7" });
    } finally {
      await close();
    }
  });
});
