import "server-only";
import { getDb, type DbHandle, type Queryable } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { decodeCursor, encodeCursor, resolveRange, startOfUtcDay, whereClause, type UsageFilterInput } from "./filters";

export interface UsageItem {
  id: string;
  at: string;
  keyId: string | null;
  keyName: string | null;
  keyStart: string | null;
  model: string;
  inputTokens: number;
  outputTokens: number;
  costMicro: bigint;
  latencyMs: number;
  status: number;
}

export interface UsageTotals {
  requests: number;
  inputTokens: bigint;
  outputTokens: bigint;
  costMicro: bigint;
}

export interface UsagePage {
  items: UsageItem[];
  nextCursor: string | null;
  totals: UsageTotals;
}

export interface DailyRow {
  day: string;
  model: string;
  requests: number;
  costMicro: bigint;
  inputTokens: bigint;
  outputTokens: bigint;
}

type Num = string | number | bigint;
export interface PageRow {
  id: string;
  at: string;
  key_id: string | null;
  key_name: string | null;
  key_start: string | null;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cost_micro: string;
  latency_ms: number;
  status: number;
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
  const w = whereClause(accountId, f, now);
  const params = [...w.params];
  let sql = w.sql;
  if (after) {
    params.push(after.t, after.i);
    sql += ` AND (u.created_at, u.id) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`;
  }
  params.push(limit);
  // Without statistics (PGlite never runs autovacuum, so its tables are never analyzed) the
  // planner guesses a few dozen matching rows and, for any LIMIT above that, prefers reading
  // every match and sorting it: an export then gets slower with every batch. The walk in index
  // order is right whatever the statistics say, so sorting is ruled out for this query.
  const rows = await db.transaction(async (q) => {
    await q.query("SET LOCAL enable_sort = off");
    // Keys are looked up per returned row (a nested loop over the ordered scan), which keeps
    // the index order all the way to the LIMIT.
    return q.query<PageRow & { cursor_t: string }>(
      `SELECT u.id::text AS id,
              to_char(u.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS cursor_t,
              u.key_id::text AS key_id, k.name AS key_name, k.start AS key_start, u.model, u.input_tokens,
              u.output_tokens, u.cost_micro::text AS cost_micro, u.latency_ms, u.status
       FROM usage_events u
       LEFT JOIN LATERAL (SELECT name, start FROM api_keys WHERE id = u.key_id AND account_id = $1) k ON true
       WHERE ${sql}
       ORDER BY u.created_at DESC NULLS LAST, u.id DESC NULLS LAST
       LIMIT $${params.length}`,
      params,
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

export async function usageTotals(q: Queryable, accountId: string, f: UsageFilterInput, now: Date): Promise<UsageTotals> {
  const w = whereClause(accountId, f, now);
  const [row] = await q.query<{ requests: Num; input_tokens: Num; output_tokens: Num; cost_micro: Num }>(
    `SELECT count(*)::text AS requests, coalesce(sum(u.input_tokens), 0)::text AS input_tokens,
            coalesce(sum(u.output_tokens), 0)::text AS output_tokens, coalesce(sum(u.cost_micro), 0)::text AS cost_micro
     FROM usage_events u WHERE ${w.sql}`,
    w.params,
  );
  return {
    requests: Number(row!.requests),
    inputTokens: BigInt(row!.input_tokens),
    outputTokens: BigInt(row!.output_tokens),
    costMicro: BigInt(row!.cost_micro),
  };
}

/** A page of the request log plus totals over everything the filters select (not just the page). */
export async function listUsage(accountId: string, f: UsageFilterInput, now = new Date()): Promise<UsagePage> {
  const db = await getDb();
  const limit = f.limit ?? 50;
  const after = f.cursor ? decodeCursor(f.cursor) : null;
  // One row more than asked tells whether another page exists without a count.
  const [page, totals] = await Promise.all([fetchPage(db, accountId, f, now, limit + 1, after), usageTotals(db, accountId, f, now)]);
  const rows = page.rows.slice(0, limit);
  const last = rows[rows.length - 1] as (PageRow & { cursor_t: string }) | undefined;
  return {
    items: rows.map(toItem),
    nextCursor: page.rows.length > limit && last ? encodeCursor({ t: last.cursor_t, i: last.id }) : null,
    totals,
  };
}

export const MAX_DAILY_RANGE_DAYS = 400;

/** Requests, spend and tokens per UTC day and model over the filtered window. */
export async function dailyUsage(accountId: string, f: UsageFilterInput, now = new Date()): Promise<{ from: string; to: string; days: DailyRow[] }> {
  const { from, to } = resolveRange(f, now);
  const end = to ?? now;
  if (end.getTime() - from.getTime() > MAX_DAILY_RANGE_DAYS * 86_400_000) {
    throw new AppError("invalid_request", `from: the daily view covers at most ${MAX_DAILY_RANGE_DAYS} days.`);
  }
  const db = await getDb();
  const w = whereClause(accountId, f, now);
  const rows = await db.query<{ day: string; model: string; requests: Num; cost_micro: Num; input_tokens: Num; output_tokens: Num }>(
    // date_bin on the raw timestamp is the cheapest per-row day key (measured against ::date and
    // to_char); the text form is made once per group.
    `SELECT to_char(g.d AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, g.model, g.requests::text AS requests,
            g.cost_micro::text AS cost_micro, g.input_tokens::text AS input_tokens, g.output_tokens::text AS output_tokens
     FROM (
       SELECT date_bin('1 day', u.created_at, timestamptz '2000-01-01 00:00:00+00') AS d, u.model, count(*) AS requests,
              sum(u.cost_micro) AS cost_micro, sum(u.input_tokens) AS input_tokens, sum(u.output_tokens) AS output_tokens
       FROM usage_events u WHERE ${w.sql}
       GROUP BY 1, 2
     ) g
     ORDER BY g.d, g.model`,
    w.params,
  );
  return {
    from: from.toISOString(),
    to: end.toISOString(),
    days: rows.map((r) => ({
      day: r.day,
      model: r.model,
      requests: Number(r.requests),
      costMicro: BigInt(r.cost_micro),
      inputTokens: BigInt(r.input_tokens),
      outputTokens: BigInt(r.output_tokens),
    })),
  };
}

export interface SummaryCards {
  asOf: string;
  today: { requests: number; costMicro: bigint };
  last7Days: { requests: number; costMicro: bigint };
  last30Days: { requests: number; costMicro: bigint };
}

/** Today, the last 7 and the last 30 UTC calendar days (each including today), in one scan. */
export async function summaryCards(accountId: string, now = new Date()): Promise<SummaryCards> {
  const today = startOfUtcDay(now);
  const d7 = new Date(today.getTime() - 6 * 86_400_000);
  const d30 = new Date(today.getTime() - 29 * 86_400_000);
  const db = await getDb();
  const [r] = await db.query<Record<string, Num>>(
    `SELECT count(*) FILTER (WHERE created_at >= $2::timestamptz)::text AS r1,
            coalesce(sum(cost_micro) FILTER (WHERE created_at >= $2::timestamptz), 0)::text AS c1,
            count(*) FILTER (WHERE created_at >= $3::timestamptz)::text AS r7,
            coalesce(sum(cost_micro) FILTER (WHERE created_at >= $3::timestamptz), 0)::text AS c7,
            count(*)::text AS r30, coalesce(sum(cost_micro), 0)::text AS c30
     FROM usage_events WHERE account_id = $1 AND created_at >= $4::timestamptz`,
    [accountId, today.toISOString(), d7.toISOString(), d30.toISOString()],
  );
  const card = (req: Num, cost: Num) => ({ requests: Number(req), costMicro: BigInt(cost) });
  return {
    asOf: now.toISOString(),
    today: card(r!.r1!, r!.c1!),
    last7Days: card(r!.r7!, r!.c7!),
    last30Days: card(r!.r30!, r!.c30!),
  };
}
