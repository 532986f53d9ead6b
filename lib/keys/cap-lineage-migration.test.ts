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
import type { Queryable } from "@/lib/db";

// An installation with keys rolled before cap lineage existed: the migration points every rolled
// key at the newest key of its line and adds this month's spend of the rolled keys to it.

const ALL = path.join(process.cwd(), "drizzle");
const TAG = "0009_key_cap_lineage";

function migrationsBefore(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solrouter-migrations-"));
  fs.cpSync(ALL, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === tag);
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

const now = new Date();
const thisMonth = `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}-01`;
const last = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1));
const lastMonth = `${last.getUTCFullYear()}-${String(last.getUTCMonth() + 1).padStart(2, "0")}-01`;

async function seed(q: Queryable) {
  const [{ id: account }] = (await q.query<{ id: string }>("INSERT INTO accounts (wallet) VALUES ('LineageWa11et11111111111111111111111111111') RETURNING id")) as [{ id: string }];
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

const tmpDirs: string[] = [];
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe.each(testDbKinds())("upgrading to key cap lineage (%s)", (kind) => {
  it("points rolled keys at the end of their line and carries this month's spend over", async () => {
    const before = migrationsBefore(TAG);
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
      const ids = await seed(q);
      await migrate(ALL);
      const rows = await q.query<{ name: string; cap_key_id: string | null; period_start: unknown; period_spend_micro: string }>(
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
