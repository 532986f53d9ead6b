import "server-only";
import path from "node:path";
import { env } from "@/lib/env";
import { openDb, type DbHandle } from "./client";

export type { Db, DbHandle, Queryable } from "./client";
export * as tables from "./schema";

// One handle per process. It lives on globalThis because Next may evaluate this module once
// per route bundle, and two PGlite handles on one directory would corrupt it.
const KEY = Symbol.for("solrouter.db");
type Holder = { [KEY]?: Promise<DbHandle> };
const holder = globalThis as Holder;

export function getDb(): Promise<DbHandle> {
  if (!holder[KEY]) {
    const e = env();
    const opening = openDb(e.DATABASE_URL ? { url: e.DATABASE_URL } : { dataDir: path.resolve(e.DATA_DIR) });
    // A failed open must not be cached: the next request retries (e.g. PostgreSQL came back).
    opening.catch(() => {
      if (holder[KEY] === opening) delete holder[KEY];
    });
    holder[KEY] = opening;
  }
  return holder[KEY];
}

/** Tests install their own handle (in-memory PGlite or a scratch PostgreSQL database). */
export function setDb(handle: DbHandle | undefined): void {
  if (handle) holder[KEY] = Promise.resolve(handle);
  else delete holder[KEY];
}

export async function closeDb(): Promise<void> {
  const h = holder[KEY];
  delete holder[KEY];
  if (h) await (await h).close();
}
