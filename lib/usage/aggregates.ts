import "server-only";
import { sql, type SQL } from "drizzle-orm";
import { getDb, type Queryable } from "@/lib/db";
import { usageEvents, usageHourly } from "@/lib/db/schema";
import { AppError } from "@/lib/errors";
import { dimensionConditions, resolveRange, startOfUtcDay, type UsageFilterInput } from "./filters";

export interface UsageTotals {
  requests: number;
  inputTokens: bigint;
  outputTokens: bigint;
  costMicro: bigint;
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
const HOUR_MS = 3_600_000;
const floorHour = (d: Date) => new Date(Math.floor(d.getTime() / HOUR_MS) * HOUR_MS);
const ceilHour = (d: Date) => new Date(Math.ceil(d.getTime() / HOUR_MS) * HOUR_MS);

/**
 * A subquery `(t, model, requests, input_tokens, output_tokens, cost_micro)` whose column sums
 * equal those of the events the filters select, exactly. Whole hours come from the hourly
 * rollup (at most a few rows per hour, whatever the traffic); the parts of an hour at either end
 * of the window, if the bounds are not on the hour, come from the events themselves. `t` is the
 * hour for rollup rows and the event time for edge rows, so grouping by day (hours never straddle
 * a UTC day) or filtering on a later hour-aligned instant stays exact.
 */
export function aggregateSource(accountId: string, f: UsageFilterInput, now: Date): SQL {
  const { from, to } = resolveRange(f, now);
  const dims = dimensionConditions(f);
  const p = (v: Date) => sql`${v.toISOString()}::timestamptz`;
  const raw = (lo: Date, hi: Date | null) =>
    sql`SELECT u.created_at AS t, u.model, 1::bigint AS requests, u.input_tokens::bigint AS input_tokens,
            u.output_tokens::bigint AS output_tokens, u.cost_micro
     FROM ${usageEvents} u
     WHERE u.account_id = ${accountId} AND u.created_at >= ${p(lo)}${hi ? sql` AND u.created_at < ${p(hi)}` : sql``}${dims("u")}`;
  const rolled = (lo: Date, hi: Date | null) =>
    sql`SELECT h.hour AS t, h.model, h.requests, h.input_tokens, h.output_tokens, h.cost_micro
     FROM ${usageHourly} h
     WHERE h.account_id = ${accountId} AND h.hour >= ${p(lo)}${hi ? sql` AND h.hour < ${p(hi)}` : sql``}${dims("h")}`;

  const first = ceilHour(from);
  const last = to ? floorHour(to) : null;
  const parts: SQL[] = [];
  if (last && first >= last) {
    // The window lies within one or two partial hours: events only.
    parts.push(raw(from, to));
  } else {
    if (from < first) parts.push(raw(from, first));
    parts.push(rolled(first, last));
    if (to && last && last < to) parts.push(raw(last, to));
  }
  return sql.join(parts, sql`\nUNION ALL\n`);
}

export async function usageTotals(
  q: Queryable,
  accountId: string,
  f: UsageFilterInput,
  now: Date,
): Promise<UsageTotals> {
  const src = aggregateSource(accountId, f, now);
  const [row] = await q.rows<{ requests: Num; input_tokens: Num; output_tokens: Num; cost_micro: Num }>(
    sql`SELECT coalesce(sum(s.requests), 0)::text AS requests, coalesce(sum(s.input_tokens), 0)::text AS input_tokens,
            coalesce(sum(s.output_tokens), 0)::text AS output_tokens, coalesce(sum(s.cost_micro), 0)::text AS cost_micro
     FROM (${src}) s`,
  );
  return {
    requests: Number(row!.requests),
    inputTokens: BigInt(row!.input_tokens),
    outputTokens: BigInt(row!.output_tokens),
    costMicro: BigInt(row!.cost_micro),
  };
}

export const MAX_DAILY_RANGE_DAYS = 400;

/** Requests, spend and tokens per UTC day and model over the filtered window. */
export async function dailyUsage(
  accountId: string,
  f: UsageFilterInput,
  now = new Date(),
): Promise<{ from: string; to: string; days: DailyRow[] }> {
  const { from, to } = resolveRange(f, now);
  const end = to ?? now;
  if (end.getTime() - from.getTime() > MAX_DAILY_RANGE_DAYS * 86_400_000) {
    throw new AppError("invalid_request", `from: the daily view covers at most ${MAX_DAILY_RANGE_DAYS} days.`);
  }
  const db = await getDb();
  const src = aggregateSource(accountId, f, now);
  const rows = await db.rows<{
    day: string;
    model: string;
    requests: Num;
    cost_micro: Num;
    input_tokens: Num;
    output_tokens: Num;
  }>(
    // The day's text form is made once per group, not per row.
    sql`SELECT to_char(g.d AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS day, g.model, g.requests::text AS requests,
            g.cost_micro::text AS cost_micro, g.input_tokens::text AS input_tokens, g.output_tokens::text AS output_tokens
     FROM (
       SELECT date_bin('1 day', s.t, timestamptz '2000-01-01 00:00:00+00') AS d, s.model, sum(s.requests) AS requests,
              sum(s.cost_micro) AS cost_micro, sum(s.input_tokens) AS input_tokens, sum(s.output_tokens) AS output_tokens
       FROM (${src}) s
       GROUP BY 1, 2
     ) g
     ORDER BY g.d, g.model`,
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

/** Today, the last 7 and the last 30 UTC calendar days (each including today), in one pass. */
export async function summaryCards(accountId: string, now = new Date()): Promise<SummaryCards> {
  const today = startOfUtcDay(now);
  const d7 = new Date(today.getTime() - 6 * 86_400_000);
  const d30 = new Date(today.getTime() - 29 * 86_400_000);
  const db = await getDb();
  const src = aggregateSource(accountId, { from: d30 }, now);
  const t1 = sql`${today.toISOString()}::timestamptz`;
  const t7 = sql`${d7.toISOString()}::timestamptz`;
  const [r] = await db.rows<Record<string, Num>>(
    sql`SELECT coalesce(sum(s.requests) FILTER (WHERE s.t >= ${t1}), 0)::text AS r1,
            coalesce(sum(s.cost_micro) FILTER (WHERE s.t >= ${t1}), 0)::text AS c1,
            coalesce(sum(s.requests) FILTER (WHERE s.t >= ${t7}), 0)::text AS r7,
            coalesce(sum(s.cost_micro) FILTER (WHERE s.t >= ${t7}), 0)::text AS c7,
            coalesce(sum(s.requests), 0)::text AS r30, coalesce(sum(s.cost_micro), 0)::text AS c30
     FROM (${src}) s`,
  );
  const card = (req: Num, cost: Num) => ({ requests: Number(req), costMicro: BigInt(cost) });
  return {
    asOf: now.toISOString(),
    today: card(r!.r1!, r!.c1!),
    last7Days: card(r!.r7!, r!.c7!),
    last30Days: card(r!.r30!, r!.c30!),
  };
}
