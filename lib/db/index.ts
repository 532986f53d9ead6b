import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { peekPart, setPart } from "@/lib/runtime";
import { openDb, type DbHandle } from "./client";

export type { Db, DbHandle, Queryable } from "./client";
export * as tables from "./schema";

// One handle per process, kept in the runtime container (lib/runtime.ts): two PGlite handles
// on one directory would corrupt it.
export function getDb(): Promise<DbHandle> {
  const existing = peekPart("db");
  if (existing) return existing;
  const e = env();
  const opening = openDb(e.DATABASE_URL ? { url: e.DATABASE_URL } : { dataDir: path.resolve(e.DATA_DIR) });
  // A failed open must not be cached: the next request retries (e.g. PostgreSQL came back).
  opening.catch(() => {
    if (peekPart("db") === opening) setPart("db", undefined);
  });
  setPart("db", opening, async (h) => (await h).close());
  return opening;
}

/** @deprecated Tests: resetRuntime({ db }) (lib/runtime.ts), or useTestRuntime (lib/test/runtime.ts). */
export function setDb(handle: DbHandle | undefined): void {
  setPart("db", handle ? Promise.resolve(handle) : undefined);
}

export async function closeDb(): Promise<void> {
  const h = peekPart("db");
  setPart("db", undefined);
  if (h) await (await h).close();
}
