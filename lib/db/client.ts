import "server-only";
import path from "node:path";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import * as schema from "./schema";
import { acquireDirLock } from "./dir-lock";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/** A connection-like thing that runs raw SQL: used on hot paths where the ORM's overhead shows. */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
}

export interface DbHandle extends Queryable {
  kind: "pglite" | "postgres";
  db: Db;
  transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /** Subscribe to a NOTIFY channel (cross-instance on PostgreSQL, in-process on PGlite). */
  listen(channel: string, onPayload: (payload: string) => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL; when absent an embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; when absent (and no url) the database lives in memory. */
  dataDir?: string;
}

const MIGRATIONS = path.join(process.cwd(), "drizzle");
const MIGRATION_LOCK_ID = 727_274_001;

export async function openDb(opts: OpenOptions): Promise<DbHandle> {
  return opts.url ? openPostgres(opts.url) : openPglite(opts.dataDir);
}

async function openPglite(dataDir?: string): Promise<DbHandle> {
  let release: (() => void) | undefined;
  let dir: string | undefined;
  if (dataDir) {
    // PGlite creates only the last folder of its path, so make the parents ourselves.
    fs.mkdirSync(dataDir, { recursive: true });
    dir = path.join(dataDir, "pglite");
    release = acquireDirLock(dir);
  }
  let client: PGlite;
  try {
    client = dir ? await PGlite.create(dir) : await PGlite.create();
  } catch (err) {
    release?.();
    throw err;
  }
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  await migratePglite(db as never, { migrationsFolder: MIGRATIONS });
  const q = (c: { query: PGlite["query"] }): Queryable => ({
    async query<T>(text: string, params?: unknown[]) {
      return (await c.query<T>(text, params as never[])).rows;
    },
  });
  return {
    kind: "pglite",
    db,
    ...q(client),
    transaction: (fn) => client.transaction((tx) => fn(q(tx))),
    async listen(channel, onPayload) {
      const unsub = await client.listen(channel, onPayload);
      return async () => unsub();
    },
    async notify(channel, payload) {
      await client.query("SELECT pg_notify($1, $2)", [channel, payload]);
    },
    async close() {
      try {
        await client.close();
      } finally {
        release?.();
      }
    },
  };
}

async function openPostgres(url: string): Promise<DbHandle> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // A dropped idle connection must not crash the process.
  pool.on("error", () => {});
  const db = drizzlePg(pool, { schema }) as unknown as Db;
  // Several instances starting at once would run the same migration twice; serialize them.
  const lockClient = await pool.connect();
  try {
    await lockClient.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    await migratePg(db as never, { migrationsFolder: MIGRATIONS });
  } finally {
    await lockClient.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]).catch(() => {});
    lockClient.release();
  }
  const listeners = new Set<pg.Client>();
  return {
    kind: "postgres",
    db,
    async query<T>(text: string, params?: unknown[]) {
      return (await pool.query(text, params)).rows as T[];
    },
    async transaction(fn) {
      const c = await pool.connect();
      try {
        await c.query("BEGIN");
        const out = await fn({ query: async <T,>(t: string, p?: unknown[]) => (await c.query(t, p)).rows as T[] });
        await c.query("COMMIT");
        return out;
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        throw err;
      } finally {
        c.release();
      }
    },
    async listen(channel, onPayload) {
      // LISTEN is per connection: a pooled connection would lose it when returned.
      const c = new pg.Client({ connectionString: url });
      c.on("error", () => {});
      await c.connect();
      c.on("notification", (m) => m.channel === channel && onPayload(m.payload ?? ""));
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
      listeners.add(c);
      return async () => {
        listeners.delete(c);
        await c.end().catch(() => {});
      };
    },
    async notify(channel, payload) {
      await pool.query("SELECT pg_notify($1, $2)", [channel, payload]);
    },
    async close() {
      await Promise.all([...listeners].map((c) => c.end().catch(() => {})));
      await pool.end();
    },
  };
}
