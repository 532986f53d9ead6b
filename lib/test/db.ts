import pg from "pg";
import { randomBytes } from "node:crypto";
import { openDb, type DbHandle } from "@/lib/db/client";
import { setDb } from "@/lib/db";
import { rawEnv } from "@/lib/env";

export type DbKind = "pglite" | "postgres";

/** Every integration suite runs on embedded PGlite, and on PostgreSQL when TEST_DATABASE_URL is set. */
export function testDbKinds(): DbKind[] {
  return rawEnv("TEST_DATABASE_URL") ? ["pglite", "postgres"] : ["pglite"];
}

export interface TestDb extends DbHandle {
  url?: string;
}

/** A fresh, migrated database: in-memory PGlite, or a scratch PostgreSQL database dropped on close. */
export async function openTestDb(kind: DbKind): Promise<TestDb> {
  if (kind === "pglite") return openDb({});
  const adminUrl = rawEnv("TEST_DATABASE_URL")!;
  const name = `t_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const handle = await openDb({ url: u.toString() });
  return {
    ...handle,
    url: u.toString(),
    async close() {
      await handle.close();
      const a = new pg.Client({ connectionString: adminUrl });
      await a.connect();
      await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await a.end();
    },
  };
}

/** Opens a test database and installs it as the process's database. */
export async function useTestDb(kind: DbKind): Promise<TestDb> {
  const db = await openTestDb(kind);
  setDb(db);
  return db;
}

/** Undoes useTestDb; tolerates a setup that failed before the database was opened. */
export async function closeTestDb(db: TestDb | undefined): Promise<void> {
  setDb(undefined);
  await db?.close();
}
