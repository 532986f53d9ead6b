import { afterAll, describe, expect, it } from "vitest";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { rawEnv } from "@/lib/env";
import { createScratchDatabase, testDbKinds } from "@/lib/test/db";
import { checkUsageRollup } from "@/lib/billing/ledger-check";
import type { Queryable } from "@/lib/db";

// An installation that already has usage events when it upgrades: the migration that adds the
// rollup must sum what is there, exactly once, and the triggers must take over from then on.

const ALL = path.join(process.cwd(), "drizzle");
const BEFORE_ROLLUP = "0004_usage_hourly";

/** The migrations folder as it was before the rollup: the same files, the journal cut short. */
function migrationsBeforeRollup(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solrouter-migrations-"));
  fs.cpSync(ALL, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === BEFORE_ROLLUP);
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

async function seedEvents(q: Queryable) {
  const [{ id }] = (await q.query<{ id: string }>("INSERT INTO accounts (wallet) VALUES ('UpgradeWa11et111111111111111111111111111111') RETURNING id")) as [{ id: string }];
  await q.query(
    `INSERT INTO usage_events (account_id, key_id, auth_kind, model, input_tokens, output_tokens, cost_micro, latency_ms, status, created_at)
     SELECT $1, NULL, 'key', CASE WHEN g % 3 = 0 THEN 'm-a' ELSE 'm-b' END, g, g * 2, 10 + g, 5, CASE WHEN g % 7 = 0 THEN 500 ELSE 200 END,
            timestamptz '2026-01-01 00:00:00+00' + g * interval '7 minutes 13 seconds'
     FROM generate_series(1, 2000) g`,
    [id],
  );
  return id;
}

const tmpDirs: string[] = [];
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe.each(testDbKinds())("upgrading to the usage rollup (%s)", (kind) => {
  it("sums the existing events once, then keeps counting new ones", async () => {
    const before = migrationsBeforeRollup();
    tmpDirs.push(before);
    let q: Queryable;
    let migrate: (folder: string) => Promise<void>;
    let close: () => Promise<void>;
    if (kind === "pglite") {
      const client = await PGlite.create();
      const db = drizzlePglite(client);
      q = { query: async (sql, params) => (await client.query(sql, params as never[])).rows as never };
      migrate = (folder) => migratePglite(db, { migrationsFolder: folder });
      close = () => client.close();
    } else {
      const scratch = await createScratchDatabase(rawEnv("TEST_DATABASE_URL")!, "t");
      const pool = new pg.Pool({ connectionString: scratch.url });
      const db = drizzlePg(pool);
      q = { query: async (sql, params) => (await pool.query(sql, params)).rows as never };
      migrate = (folder) => migratePg(db, { migrationsFolder: folder });
      close = async () => {
        await pool.end();
        await scratch.drop();
      };
    }
    try {
      await migrate(before);
      const accountId = await seedEvents(q);
      await migrate(ALL);
      const [rolled] = await q.query<{ n: string; c: string }>("SELECT sum(requests)::text AS n, sum(cost_micro)::text AS c FROM usage_hourly WHERE account_id = $1", [accountId]);
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
