import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db";
import { usageEvents, usageHourly } from "@/lib/db/schema";
import { walletOf } from "@/lib/billing/accounts-store";
import type { CallMeasures } from "./call-measures";

// The owner of `usage_events` and `usage_hourly` (kept equal to the grouped events by a trigger).
// The request-log and aggregate queries of the usage pages are built in queries.ts, filters.ts and
// aggregates.ts next to this file; the gateway's batched usage writes live in batch-usage.ts.

type Int8 = string | number | bigint;

export interface PaidUsageEvent extends CallMeasures {
  /** The id the gateway drew ahead from the usage sequence (the call's completion id). */
  id: bigint;
  accountId: string;
  requestId: string;
  at: Date;
}

/** One served x402 call (no key): status 200 at the quoted price; returns the event id. */
export async function insertX402Usage(tx: Queryable, u: PaidUsageEvent): Promise<bigint> {
  const [ev] = await tx.rows<{ id: Int8 }>(sql`
    INSERT INTO ${usageEvents} (id, account_id, key_id, auth_kind, product, model, input_tokens, output_tokens, cost_micro, latency_ms, status, request_id, created_at)
    VALUES (${u.id.toString()}, ${u.accountId}, NULL, 'x402', NULL, ${u.model}, ${u.inputTokens}, ${u.outputTokens}, ${u.costMicro.toString()},
            ${u.latencyMs}, 200, ${u.requestId}, ${u.at.toISOString()})
    RETURNING id`);
  return BigInt(ev!.id);
}

/** An unpaid call: the event stays, as a 402 at no cost. */
export async function markUsageUnpaid(tx: Queryable, usageId: string | bigint): Promise<void> {
  await tx.rows(sql`UPDATE ${usageEvents} SET cost_micro = 0, status = 402 WHERE id = ${String(usageId)}`);
}

/**
 * This period's spend of each key of the account (from the hourly rollup: a period that starts
 * on the hour is answered exactly, in a few thousand rows).
 */
export async function spendByKeySince(q: Queryable, accountId: string, since: Date): Promise<Map<string, bigint>> {
  const rows = await q.rows<{ key_id: string; spent: Int8 }>(sql`
    SELECT key_id, COALESCE(sum(cost_micro), 0) AS spent FROM ${usageHourly}
    WHERE account_id = ${accountId} AND key_id IS NOT NULL AND hour >= ${since} GROUP BY 1`);
  return new Map(rows.map((r) => [r.key_id, BigInt(r.spent)]));
}

/**
 * A scalar subquery for the ledger check: Σ cost of the account's calls paid from its balance —
 * with a key, or by its wallet signed in with x402 (x402-paid calls are paid on chain instead).
 */
export function prepaidUsageCostOf(accountId: SQL): SQL {
  return sql`COALESCE((SELECT sum(cost_micro) FROM ${usageEvents} u WHERE u.account_id = ${accountId} AND u.auth_kind IN ('key', 'siwx')), 0)`;
}

/**
 * Groups (account, hour, key, model, status) where the hourly rollup differs from the events,
 * counted per wallet; empty when the rollup is exact.
 */
export async function rollupMismatches(q: Queryable): Promise<{ wallet: string | null; groups: string }[]> {
  return q.rows(sql`
    WITH ev AS (
      SELECT account_id, date_bin('1 hour', created_at, timestamptz '2000-01-01 00:00:00+00') AS hour, key_id, model, status,
             count(*) AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_micro) AS cost_micro
      FROM ${usageEvents} WHERE account_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5
    ),
    diff AS (
      SELECT coalesce(e.account_id, h.account_id) AS account_id FROM ev e
      FULL JOIN (SELECT * FROM ${usageHourly} WHERE requests <> 0 OR cost_micro <> 0) h
        ON h.account_id = e.account_id AND h.hour = e.hour AND h.key_id IS NOT DISTINCT FROM e.key_id AND h.model = e.model AND h.status = e.status
      WHERE (e.requests, e.input_tokens, e.output_tokens, e.cost_micro) IS DISTINCT FROM (h.requests, h.input_tokens, h.output_tokens, h.cost_micro)
    )
    SELECT ${walletOf(sql`d.account_id`)} AS wallet, count(*)::text AS groups FROM diff d GROUP BY 1`);
}

/** Calls per auth kind over all time (operator stats). */
export async function usageByAuthKind(
  q: Queryable,
): Promise<{ authKind: string; calls: bigint; served: bigint; costMicro: bigint }[]> {
  const rows = await q.rows<{ auth_kind: string; calls: Int8; served: Int8; cost: Int8 }>(sql`
    SELECT auth_kind, count(*) AS calls, count(*) FILTER (WHERE status = 200) AS served, COALESCE(sum(cost_micro), 0) AS cost
    FROM ${usageEvents} GROUP BY auth_kind ORDER BY auth_kind`);
  return rows.map((r) => ({
    authKind: r.auth_kind,
    calls: BigInt(r.calls),
    served: BigInt(r.served),
    costMicro: BigInt(r.cost),
  }));
}
