import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { PGlite } from "@electric-sql/pglite";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { afterAll, expect } from "vitest";
import { rawEnv } from "@/lib/env";
import type { Queryable } from "@/lib/db";
import { typed } from "@/lib/db/client";
import { createScratchDatabase, type DbKind } from "@/lib/test/db";

// Upgrade tests: an installation migrated up to some point, seeded, then brought up to date.

/** The migrations folder of the repository. */
export const ALL_MIGRATIONS = path.join(process.cwd(), "drizzle");

const tmpDirs: string[] = [];
afterAll(() => tmpDirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** The migrations folder as it was before `tag`: the same files, the journal cut short (removed after the file). */
export function migrationsBefore(tag: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solrouter-migrations-"));
  tmpDirs.push(dir);
  fs.cpSync(ALL_MIGRATIONS, dir, { recursive: true });
  const journalPath = path.join(dir, "meta", "_journal.json");
  const journal = JSON.parse(fs.readFileSync(journalPath, "utf8")) as { entries: { tag: string }[] };
  const cut = journal.entries.findIndex((e) => e.tag === tag);
  expect(cut).toBeGreaterThan(0);
  journal.entries = journal.entries.slice(0, cut);
  fs.writeFileSync(journalPath, JSON.stringify(journal));
  return dir;
}

export interface UnmigratedDb {
  q: Queryable;
  /** Applies the migrations of `folder` not applied yet. */
  migrate(folder: string): Promise<void>;
  close(): Promise<void>;
}

/** An empty database of `kind` (in-memory PGlite, or a scratch PostgreSQL database dropped on close). */
export async function unmigratedDb(kind: DbKind): Promise<UnmigratedDb> {
  if (kind === "pglite") {
    const client = await PGlite.create();
    const db = drizzlePglite(client);
    return {
      q: typed({ query: async (sql, params) => (await client.query(sql, params as never[])).rows as never }),
      migrate: (folder) => migratePglite(db, { migrationsFolder: folder }),
      close: () => client.close(),
    };
  }
  const scratch = await createScratchDatabase(rawEnv("TEST_DATABASE_URL")!, "t");
  const pool = new pg.Pool({ connectionString: scratch.url });
  const db = drizzlePg(pool);
  return {
    q: typed({ query: async (sql, params) => (await pool.query(sql, params)).rows as never }),
    migrate: (folder) => migratePg(db, { migrationsFolder: folder }),
    close: async () => {
      await pool.end();
      await scratch.drop();
    },
  };
}
