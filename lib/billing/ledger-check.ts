import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db";
import { balanceHolds } from "@/lib/db/schema";
import { accountBooks } from "./accounts-store";
import { prepaidUsageCostOf, rollupMismatches } from "@/lib/usage/store";

// Reads of balance_holds for the checks. TODO(gateway): move into lib/billing/balance-holds.ts, its owner.
const liveHoldsOf = (accountId: SQL) =>
  sql`COALESCE((SELECT sum(amount_micro) FROM ${balanceHolds} h WHERE h.account_id = ${accountId}), 0)`;

/** Live hold rows and their Σ over every account (the chaos check: none may outlive the instances). */
export async function liveHolds(q: Queryable): Promise<{ rows: number; amountMicro: bigint }> {
  const [row] = await q.rows<{ n: number; s: string }>(
    sql`SELECT count(*)::int AS n, COALESCE(sum(amount_micro), 0)::text AS s FROM ${balanceHolds}`,
  );
  return { rows: row!.n, amountMicro: BigInt(row!.s) };
}

/**
 * The money invariants, checked for every account:
 * balance = Σ entries ≥ 0; Σ usage-event costs = −Σ usage entries; held = Σ live holds ≤ balance.
 * One statement (so one snapshot) composed of each owner's fragment.
 * Returns one line per violation (empty when the books balance).
 */
export async function checkLedger(q: Queryable): Promise<string[]> {
  const rows = await accountBooks<{ usage_cost: string; holds: string }>(
    q,
    (id) => sql`${prepaidUsageCostOf(id)} AS usage_cost, ${liveHoldsOf(id)} AS holds`,
  );
  const problems: string[] = [];
  for (const r of rows) {
    const balance = BigInt(r.balance);
    const entries = BigInt(r.entries);
    const usageCost = BigInt(r.usage_cost);
    const usageEntries = BigInt(r.usage_entries);
    const held = BigInt(r.held);
    const holds = BigInt(r.holds);
    if (balance !== entries) problems.push(`${r.wallet}: balance ${balance} != sum of ledger entries ${entries}`);
    if (balance < 0n) problems.push(`${r.wallet}: negative balance ${balance}`);
    if (usageCost !== usageEntries)
      problems.push(`${r.wallet}: usage events cost ${usageCost} != usage ledger entries ${usageEntries}`);
    if (held !== holds) problems.push(`${r.wallet}: held ${held} != sum of live holds ${holds}`);
    if (held > balance) problems.push(`${r.wallet}: held ${held} exceeds balance ${balance}`);
  }
  return [...problems, ...(await checkUsageRollup(q))];
}

/** The hourly rollup must equal the events grouped by account, hour, key, model and status. */
export async function checkUsageRollup(q: Queryable): Promise<string[]> {
  const rows = await rollupMismatches(q);
  return rows.map(
    (r) => `${r.wallet ?? "(unknown account)"}: hourly usage rollup differs from the events in ${r.groups} group(s)`,
  );
}
