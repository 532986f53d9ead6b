import "server-only";
import { sql } from "drizzle-orm";
import { getDb, type DbHandle } from "@/lib/db";
import { usageEvents } from "@/lib/db/schema";
import { keyLabelJoin } from "@/lib/keys/key-rows";
import { decodeCursor, encodeCursor, whereClause, type UsageFilterInput } from "./filters";
import { usageTotals, type UsageTotals } from "./aggregates";
import type { CallMeasures, CallMeasuresRow } from "./call-measures";

export interface UsageItem extends CallMeasures {
  id: string;
  at: string;
  keyId: string | null;
  keyName: string | null;
  keyStart: string | null;
  status: number;
}

export interface UsagePage {
  items: UsageItem[];
  nextCursor: string | null;
  totals: UsageTotals;
}

export interface PageRow extends CallMeasuresRow {
  id: string;
  at: string;
  key_id: string | null;
  key_name: string | null;
  key_start: string | null;
}

/**
 * One keyset page, newest first: walks the (account, created_at desc, id desc) index (or its
 * key/model twin) and stops after `limit` rows.
 * NULLS LAST must be spelled out: the indexes were built that way, and plain DESC means NULLS
 * FIRST, which PostgreSQL does not match to them (it then sorts the whole account instead).
 */
export async function fetchPage(
  db: Pick<DbHandle, "transaction">,
  accountId: string,
  f: UsageFilterInput,
  now: Date,
  limit: number,
  after: { t: string; i: string } | null,
): Promise<{ rows: PageRow[]; last: { t: string; i: string } | null }> {
  const cursor = after ? sql` AND (u.created_at, u.id) < (${after.t}::timestamptz, ${after.i}::bigint)` : sql``;
  // Without statistics (PGlite never runs autovacuum, so its tables are never analyzed) the
  // planner guesses a few dozen matching rows and, for any LIMIT above that, prefers reading
  // every match and sorting it: an export then gets slower with every batch. The walk in index
  // order is right whatever the statistics say, so sorting is ruled out for this query.
  const rows = await db.transaction(async (q) => {
    await q.rows(sql`SET LOCAL enable_sort = off`);
    // Keys are looked up per returned row (a nested loop over the ordered scan), which keeps
    // the index order all the way to the LIMIT.
    return q.rows<PageRow & { cursor_t: string }>(
      sql`SELECT u.id::text AS id,
              to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t,
              u.key_id::text AS key_id, k.name AS key_name, k.start AS key_start, u.model, u.input_tokens,
              u.output_tokens, u.cost_micro::text AS cost_micro, u.latency_ms, u.status
       FROM ${usageEvents} u
       ${keyLabelJoin(sql`u.key_id`, accountId)}
       WHERE ${whereClause(accountId, f, now)}${cursor}
       ORDER BY u.created_at DESC NULLS LAST, u.id DESC NULLS LAST
       LIMIT ${limit}`,
    );
  });
  const tail = rows[rows.length - 1];
  return {
    // Milliseconds are enough for people; the cursor keeps the exact microseconds.
    rows: rows.map((r) => ({ ...r, at: `${r.cursor_t.slice(0, 23)}Z` })),
    last: tail ? { t: tail.cursor_t, i: tail.id } : null,
  };
}

export function toItem(r: PageRow): UsageItem {
  return {
    id: r.id,
    at: r.at,
    keyId: r.key_id,
    keyName: r.key_name,
    keyStart: r.key_start,
    model: r.model,
    inputTokens: Number(r.input_tokens),
    outputTokens: Number(r.output_tokens),
    costMicro: BigInt(r.cost_micro),
    latencyMs: Number(r.latency_ms),
    status: Number(r.status),
  };
}

/** A page of the request log plus totals over everything the filters select (not just the page). */
export async function listUsage(accountId: string, f: UsageFilterInput, now = new Date()): Promise<UsagePage> {
  const db = await getDb();
  const limit = f.limit ?? 50;
  const after = f.cursor ? decodeCursor(f.cursor) : null;
  // One row more than asked tells whether another page exists without a count.
  const [page, totals] = await Promise.all([
    fetchPage(db, accountId, f, now, limit + 1, after),
    usageTotals(db, accountId, f, now),
  ]);
  const rows = page.rows.slice(0, limit);
  const last = rows[rows.length - 1] as (PageRow & { cursor_t: string }) | undefined;
  return {
    items: rows.map(toItem),
    nextCursor: page.rows.length > limit && last ? encodeCursor({ t: last.cursor_t, i: last.id }) : null,
    totals,
  };
}
