import "server-only";
import path from "node:path";
import fs from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { drizzle as drizzlePglite } from "drizzle-orm/pglite";
import { drizzle as drizzlePg } from "drizzle-orm/node-postgres";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import { migrate as migratePg } from "drizzle-orm/node-postgres/migrator";
import { PgDialect, type PgDatabase, type PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { SQL } from "drizzle-orm";
import * as schema from "./schema";
import { acquireDirLock } from "./dir-lock";
import { isAppError } from "@/lib/errors";

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;

/**
 * A connection or a transaction. Owning modules write typed SQL with Drizzle's `sql` template and run it
 * with `rows` (parameters are numbered by Drizzle, so fragments from several modules compose safely);
 * `query` (raw text + positional parameters) is for the migration runner and the database layer only.
 */
export interface Queryable {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  rows<T = Record<string, unknown>>(statement: SQL): Promise<T[]>;
}

const dialect = new PgDialect();

/** Adds `rows` (a compiled `sql` template) to something that runs raw SQL. */
export function typed(run: Pick<Queryable, "query">): Queryable {
  return {
    query: run.query,
    rows<T>(statement: SQL) {
      const { sql, params } = dialect.sqlToQuery(statement);
      return run.query<T>(sql, params);
    },
  };
}

export interface DbHandle extends Queryable {
  kind: "pglite" | "postgres";
  db: Db;
  transaction<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  /**
   * Subscribe to a NOTIFY channel (cross-instance on PostgreSQL, in-process on PGlite). On
   * PostgreSQL the connection is re-established when it drops; `onGap` runs when it drops and
   * again once listening resumes, because notifications sent in between are lost.
   */
  listen(channel: string, onPayload: (payload: string) => void, onGap?: () => void): Promise<() => Promise<void>>;
  notify(channel: string, payload: string): Promise<void>;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** postgres:// URL; when absent an embedded PGlite is used. */
  url?: string;
  /** PGlite data directory; when absent (and no url) the database lives in memory. */
  dataDir?: string;
  /** PostgreSQL: how long one statement (lock waits included) may run before the server cancels it. */
  statementTimeoutMs?: number;
}

// Nothing on PostgreSQL may wait forever: a hung statement or connection attempt would keep a
// gateway hold busy (never released, always heartbeated) and freeze that balance. The server
// cancels a statement first; the client gives up a little later on a connection that stopped
// answering, and drops that connection instead of reusing it. A transaction left open by a
// paused process is ended by the server, so its locks cannot block every other instance.
const DEFAULT_STATEMENT_TIMEOUT_MS = 20_000;
const pgTimeouts = (statementMs: number) => ({
  statement_timeout: statementMs,
  query_timeout: statementMs + 5_000,
  idle_in_transaction_session_timeout: statementMs + 10_000,
  connectionTimeoutMillis: 10_000,
  keepAlive: true,
});

const MIGRATIONS = path.join(process.cwd(), "drizzle");
const MIGRATION_LOCK_ID = 727_274_001;

export async function openDb(opts: OpenOptions): Promise<DbHandle> {
  return opts.url
    ? openPostgres(opts.url, opts.statementTimeoutMs ?? DEFAULT_STATEMENT_TIMEOUT_MS)
    : openPglite(opts.dataDir);
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
  const q = (c: { query: PGlite["query"] }): Queryable =>
    typed({
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

async function openPostgres(url: string, statementTimeoutMs: number): Promise<DbHandle> {
  const pool = new pg.Pool({ connectionString: url, max: 10, ...pgTimeouts(statementTimeoutMs) });
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
  const subscriptions = new Set<Subscription>();
  return {
    kind: "postgres",
    db,
    ...typed({
      async query<T>(text: string, params?: unknown[]) {
        return (await pool.query(text, params)).rows as T[];
      },
    }),
    async transaction(fn) {
      const c = await pool.connect();
      let broken = false;
      // The connection can die between two statements (PostgreSQL restarted): without a listener
      // that 'error' event is uncaught and ends the process, and with it every hold it had.
      const onError = () => {
        broken = true;
      };
      c.on("error", onError);
      try {
        await c.query("BEGIN");
        const out = await fn(
          typed({ query: async <T>(t: string, p?: unknown[]) => (await c.query(t, p)).rows as T[] }),
        );
        await c.query("COMMIT");
        return out;
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        broken = !(err instanceof pg.DatabaseError) && !isAppError(err);
        throw err;
      } finally {
        // A connection that failed below SQL (timed out, reset) is dropped, not handed to the next caller.
        c.off("error", onError);
        c.release(broken || undefined);
      }
    },
    async listen(channel, onPayload, onGap) {
      const sub = new Subscription(url, channel, onPayload, onGap);
      await sub.connect();
      subscriptions.add(sub);
      return async () => {
        subscriptions.delete(sub);
        await sub.close();
      };
    },
    async notify(channel, payload) {
      await pool.query("SELECT pg_notify($1, $2)", [channel, payload]);
    },
    async close() {
      await Promise.all([...subscriptions].map((sub) => sub.close()));
      await pool.end();
    },
  };
}

/**
 * One LISTEN connection (LISTEN is per connection: a pooled one would lose it when returned).
 * When PostgreSQL restarts or the connection drops, it reconnects with backoff until closed.
 */
class Subscription {
  private client?: pg.Client;
  private closed = false;

  constructor(
    private readonly url: string,
    private readonly channel: string,
    private readonly onPayload: (payload: string) => void,
    private readonly onGap?: () => void,
  ) {}

  async connect(): Promise<void> {
    const c = new pg.Client({ connectionString: this.url, connectionTimeoutMillis: 10_000, keepAlive: true });
    c.on("error", () => {});
    c.on("end", () => {
      if (this.client !== c || this.closed) return;
      this.client = undefined;
      this.onGap?.();
      void this.reconnect();
    });
    c.on("notification", (m) => m.channel === this.channel && this.onPayload(m.payload ?? ""));
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(this.channel)}`);
    } catch (err) {
      await c.end().catch(() => {});
      throw err;
    }
    if (this.closed) return void (await c.end().catch(() => {}));
    this.client = c;
  }

  private async reconnect() {
    for (let delay = 100; !this.closed; delay = Math.min(delay * 2, 5_000)) {
      await new Promise((r) => setTimeout(r, delay).unref());
      if (this.closed) return;
      try {
        await this.connect();
        this.onGap?.();
        return;
      } catch {
        // PostgreSQL is still down: try again later.
      }
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = undefined;
    await c?.end().catch(() => {});
  }
}
