import pg from "pg";
import { randomBytes } from "node:crypto";
import { openDb, type DbHandle } from "@/lib/db/client";
import { resetRuntime, setPart } from "@/lib/runtime";
import { rawEnv } from "@/lib/env";

export type DbKind = "pglite" | "postgres";

/** Every integration suite runs on embedded PGlite, and on PostgreSQL when TEST_DATABASE_URL is set. */
export function testDbKinds(): DbKind[] {
  return rawEnv("TEST_DATABASE_URL") ? ["pglite", "postgres"] : ["pglite"];
}

export interface TestDb extends DbHandle {
  url?: string;
}

/** An empty PostgreSQL database beside `adminUrl`'s, for one suite or benchmark; drop() removes it. */
export async function createScratchDatabase(
  adminUrl: string,
  prefix: string,
): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `${prefix}_${randomBytes(6).toString("hex")}`;
  const admin = async (sql: string) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await admin(`CREATE DATABASE ${name}`);
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return { url: u.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A fresh, migrated database: in-memory PGlite, or a scratch PostgreSQL database dropped on close. */
export async function openTestDb(kind: DbKind): Promise<TestDb> {
  if (kind === "pglite") return openDb({});
  const scratch = await createScratchDatabase(rawEnv("TEST_DATABASE_URL")!, "t");
  const handle = await openDb({ url: scratch.url });
  return {
    ...handle,
    url: scratch.url,
    async close() {
      await handle.close();
      await scratch.drop();
    },
  };
}

/** Opens a test database and installs it as the process's database, on a fresh runtime. Suites use testRuntime (lib/test/runtime.ts). */
export async function installTestDb(kind: DbKind): Promise<TestDb> {
  const db = await openTestDb(kind);
  await resetRuntime({ db });
  return db;
}

/** Undoes installTestDb; tolerates a setup that failed before the database was opened. */
export async function closeTestDb(db: TestDb | undefined): Promise<void> {
  setPart("db", undefined);
  await db?.close();
}
