import "server-only";
import { sql, type SQL } from "drizzle-orm";

// The money side of a settlement batch: per account, one `usage` ledger entry for the batch's
// total and the balance moved by exactly that entry (with held_micro by what came out of the
// hold), in the batch's one statement — every balance change a ledger entry, same transaction.

/** Per account, what the served calls (`dec` with ok) cost and how much of it the hold covers. Defines `sa`. */
export function batchAccountTotals(): SQL {
  return sql`sa AS (SELECT charge_account AS account_id, sum(cost_micro) AS cost, COALESCE(sum(cost_micro) FILTER (WHERE hold), 0) AS from_hold FROM dec WHERE ok GROUP BY 1)`;
}

/**
 * The ledger entries (reference `usage:<batch>:<account>`) and the balance moves, expecting `sa`
 * and `hold` (balance-holds.ts). Defines `le`, `acc`.
 */
export function batchLedgerCharges(batchRef: string): SQL {
  return sql`le AS (
    INSERT INTO ledger_entries (account_id, amount_micro, kind, reference)
    SELECT account_id, -cost, 'usage', 'usage:' || ${batchRef}::text || ':' || account_id FROM sa
    RETURNING account_id, amount_micro
  ),
  acc AS (
    UPDATE accounts a SET balance_micro = a.balance_micro + le.amount_micro,
      held_micro = a.held_micro - COALESCE((SELECT delta FROM hold WHERE hold.account_id = a.id), 0)
    FROM le WHERE a.id = le.account_id RETURNING 1
  )`;
}
