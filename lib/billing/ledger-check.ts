import "server-only";
import type { Queryable } from "@/lib/db";

/**
 * The money invariants, checked for every account:
 * balance = Σ entries ≥ 0; Σ usage-event costs = −Σ usage entries; held = Σ live holds ≤ balance.
 * Returns one line per violation (empty when the books balance).
 */
export async function checkLedger(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ wallet: string; balance: string; entries: string; usage_cost: string; usage_entries: string; held: string; holds: string }>(`
    SELECT a.wallet, a.balance_micro AS balance, a.held_micro AS held,
      COALESCE((SELECT sum(amount_micro) FROM ledger_entries l WHERE l.account_id = a.id), 0) AS entries,
      COALESCE((SELECT sum(cost_micro) FROM usage_events u WHERE u.account_id = a.id AND u.auth_kind = 'key'), 0) AS usage_cost,
      COALESCE((SELECT -sum(amount_micro) FROM ledger_entries l WHERE l.account_id = a.id AND l.kind = 'usage'), 0) AS usage_entries,
      COALESCE((SELECT sum(amount_micro) FROM balance_holds h WHERE h.account_id = a.id), 0) AS holds
    FROM accounts a`);
  const problems: string[] = [];
  for (const r of rows) {
    const [balance, entries, usageCost, usageEntries, held, holds] = [r.balance, r.entries, r.usage_cost, r.usage_entries, r.held, r.holds].map((v) => BigInt(v));
    if (balance !== entries) problems.push(`${r.wallet}: balance ${balance} != sum of ledger entries ${entries}`);
    if (balance < 0n) problems.push(`${r.wallet}: negative balance ${balance}`);
    if (usageCost !== usageEntries) problems.push(`${r.wallet}: usage events cost ${usageCost} != usage ledger entries ${usageEntries}`);
    if (held !== holds) problems.push(`${r.wallet}: held ${held} != sum of live holds ${holds}`);
    if (held > balance) problems.push(`${r.wallet}: held ${held} exceeds balance ${balance}`);
  }
  return [...problems, ...(await checkUsageRollup(q))];
}

/** The hourly rollup must equal the events grouped by account, hour, key, model and status. */
export async function checkUsageRollup(q: Queryable): Promise<string[]> {
  const rows = await q.query<{ wallet: string | null; groups: string }>(`
    WITH ev AS (
      SELECT account_id, date_bin('1 hour', created_at, timestamptz '2000-01-01 00:00:00+00') AS hour, key_id, model, status,
             count(*) AS requests, sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_micro) AS cost_micro
      FROM usage_events WHERE account_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5
    ),
    diff AS (
      SELECT coalesce(e.account_id, h.account_id) AS account_id FROM ev e
      FULL JOIN (SELECT * FROM usage_hourly WHERE requests <> 0 OR cost_micro <> 0) h
        ON h.account_id = e.account_id AND h.hour = e.hour AND h.key_id IS NOT DISTINCT FROM e.key_id AND h.model = e.model AND h.status = e.status
      WHERE (e.requests, e.input_tokens, e.output_tokens, e.cost_micro) IS DISTINCT FROM (h.requests, h.input_tokens, h.output_tokens, h.cost_micro)
    )
    SELECT a.wallet, count(*)::text AS groups FROM diff d LEFT JOIN accounts a ON a.id = d.account_id GROUP BY a.wallet`);
  return rows.map((r) => `${r.wallet ?? "(unknown account)"}: hourly usage rollup differs from the events in ${r.groups} group(s)`);
}
