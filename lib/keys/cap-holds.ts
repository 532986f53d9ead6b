import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db";
import type { HoldTables } from "@/lib/gateway/hold-stores";

// api_keys' cap and spend columns (spend_cap_micro, cap_held_micro, period_start,
// period_spend_micro, last_used_at) and key_cap_holds: the SQL of per-key spend-cap holds and of
// a settlement batch's key spend. Composed by the gateway's hold store and settlement batch.

export type { CapPeriod } from "./limits";

/** The starts (YYYY-MM-DD, UTC) of the day, the week (Monday) and the month that `now` is in. */
export interface PeriodStarts {
  day: string;
  week: string;
  month: string;
}

const ymd = (d: Date) => d.toISOString().slice(0, 10);

/**
 * The current UTC calendar periods, from one `now` read in JS (so tests can move the clock and
 * every statement of a call agrees on the period); caps reset at these starts.
 */
export function periodStarts(now = new Date()): PeriodStarts {
  const day = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
  const sinceMonday = (day.getUTCDay() + 6) % 7;
  return {
    day: ymd(day),
    week: ymd(new Date(day.getTime() - sinceMonday * 86_400_000)),
    month: ymd(new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1))),
  };
}

/** Start of the current UTC month as YYYY-MM-DD. */
export function monthStart(now = new Date()): string {
  return periodStarts(now).month;
}

/** The start of the key's current period, picked per row by its `cap_period` column. */
function periodStartSql(p: PeriodStarts, col: SQL): SQL {
  return sql`(CASE ${col} WHEN 'day' THEN ${p.day}::date WHEN 'week' THEN ${p.week}::date ELSE ${p.month}::date END)`;
}

// A new period starts the spend afresh; holds still out count against the new period.
export const KEY_CAP_HOLDS: HoldTables = {
  owner: sql.raw("api_keys"),
  held: sql.raw("cap_held_micro"),
  rows: sql.raw("key_cap_holds"),
  ownerId: sql.raw("key_id"),
  budget: ({ id, want, need, periods }) => sql`cur AS (
    SELECT id, spend_cap_micro, cap_held_micro, ${periodStartSql(periods, sql`cap_period`)} AS pstart,
      CASE WHEN period_start IS DISTINCT FROM ${periodStartSql(periods, sql`cap_period`)} THEN 0 ELSE period_spend_micro END AS spent
    FROM api_keys WHERE id = ${id}::uuid AND spend_cap_micro IS NOT NULL FOR UPDATE
  ), budget AS (
    SELECT id, LEAST(spend_cap_micro - spent - cap_held_micro, ${want}::bigint) AS take, spent, pstart FROM cur
    WHERE spend_cap_micro - spent - cap_held_micro >= ${need}::bigint)`,
  ownerSet: () => sql`, period_start = budget.pstart, period_spend_micro = budget.spent`,
};

/**
 * Revokes every instance's hold on a key's cap (in the caller's transaction, e.g. with a cap
 * change): the rows go and cap_held_micro drops by what they held, so a lowered cap binds at
 * once and each instance learns at its next use of the hold that it lost the lease.
 */
export async function revokeKeyCapHolds(q: Queryable, keyId: string): Promise<void> {
  await q.rows(sql`WITH k AS (SELECT id FROM api_keys WHERE id = ${keyId}::uuid FOR UPDATE),
     d AS (DELETE FROM key_cap_holds h USING k WHERE h.key_id = k.id RETURNING h.amount_micro),
     u AS (UPDATE api_keys x SET cap_held_micro = x.cap_held_micro - (SELECT COALESCE(sum(amount_micro), 0) FROM d) WHERE x.id = ${keyId}::uuid RETURNING 1)
     SELECT count(*) FROM u`);
}

/**
 * Settlement batch, after the accounts are locked (expects `ch(key_id, capped, cap_lease,
 * cost_micro)` and `accs`): locks the capped keys in id order, then this instance's cap rows, and
 * decides per (key, lease) `from_hold` and per key `free_ok` (the cap's room covers the calls whose
 * lease was lost). Defines `keyl`, `khold`, `kg`, `kok`.
 */
export function batchCapLocks(instanceId: string, periods: PeriodStarts): SQL {
  return sql`-- Keys only after every account is locked (the count forces it).
  keyl AS (
    SELECT id, spend_cap_micro - CASE WHEN period_start = ${periodStartSql(periods, sql`cap_period`)} THEN period_spend_micro ELSE 0 END - cap_held_micro AS room
    FROM api_keys WHERE id = ANY (ARRAY(SELECT key_id FROM ch WHERE capped)) AND (SELECT count(*) FROM accs) >= 0 ORDER BY id FOR UPDATE
  ),
  khold AS (
    SELECT key_id, lease, amount_micro FROM key_cap_holds
    WHERE instance_id = ${instanceId} AND key_id = ANY (ARRAY(SELECT id FROM keyl)) ORDER BY key_id FOR UPDATE
  ),
  kg AS (
    SELECT g.key_id, g.lease, (h.amount_micro IS NOT NULL AND h.amount_micro >= g.cost) AS from_hold, g.cost
    FROM (SELECT key_id, cap_lease AS lease, sum(cost_micro) AS cost FROM ch WHERE capped GROUP BY 1, 2) g
    LEFT JOIN khold h ON h.key_id = g.key_id AND h.lease = g.lease
  ),
  -- A cap removed meanwhile (NULL room) no longer limits anything.
  kok AS (SELECT k.id, (k.room IS NULL OR k.room >= COALESCE(sum(g.cost) FILTER (WHERE NOT g.from_hold), 0)) AS free_ok FROM keyl k JOIN kg g ON g.key_id = k.id GROUP BY k.id, k.room)`;
}

/**
 * Settlement batch, the keys' side (expects `dec(key_id, capped, cap_hold, cost_micro, ok)`): every
 * served key's period spend (so a cap set mid-period counts what was already spent) and, with
 * `caps`, what came out of this instance's cap holds. Defines `sk`, `cap_hold` (caps), `key_spend`.
 */
export function batchKeySpend(instanceId: string, periods: PeriodStarts, caps: boolean): SQL {
  const pstart = periodStartSql(periods, sql`k.cap_period`);
  const capHold = caps
    ? sql`cap_hold AS (
    UPDATE key_cap_holds h SET amount_micro = h.amount_micro - s.from_hold FROM sk s
    WHERE s.from_hold > 0 AND h.instance_id = ${instanceId} AND h.key_id = s.key_id
    RETURNING h.key_id, s.from_hold AS delta
  ),`
    : sql``;
  const capHeld = caps
    ? sql`,
      cap_held_micro = k.cap_held_micro - COALESCE((SELECT delta FROM cap_hold WHERE cap_hold.key_id = k.id), 0)`
    : sql``;
  return sql`sk AS (SELECT key_id, sum(cost_micro) AS cost, COALESCE(sum(cost_micro) FILTER (WHERE capped AND cap_hold), 0) AS from_hold FROM dec WHERE ok GROUP BY 1),
  ${capHold}
  key_spend AS (
    UPDATE api_keys k SET
      period_spend_micro = CASE WHEN k.period_start = ${pstart} THEN k.period_spend_micro ELSE 0 END + s.cost,
      period_start = ${pstart}${capHeld}
    FROM sk s WHERE k.id = s.key_id RETURNING 1
  )`;
}

/** last_used_at for keys that served a call (the gateway coalesces it to once a minute per key). */
export async function touchKeys(q: Queryable, keyIds: string[]): Promise<void> {
  await q.rows(sql`UPDATE api_keys SET last_used_at = now() WHERE id = ANY(${sql.param(keyIds)}::uuid[])`);
}
