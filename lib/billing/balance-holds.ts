import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { HoldTables } from "@/lib/gateway/hold-stores";

// accounts.held_micro and balance_holds: the SQL of prepaid balance holds (lib/gateway/README.md,
// "Hold leases"). The gateway's hold store and settlement batch compose these fragments; every
// one changes a hold row and held_micro together, locking the account before the row.

/** The account side of a hold store: `budget(id, take)` locks the account and says what may be taken. */
export const BALANCE_HOLDS: HoldTables = {
  owner: sql.raw("accounts"),
  held: sql.raw("held_micro"),
  rows: sql.raw("balance_holds"),
  ownerId: sql.raw("account_id"),
  budget: ({ id, want, need }) => sql`budget AS (
    SELECT id, LEAST(balance_micro - held_micro, ${want}::bigint) AS take FROM accounts
    WHERE id = ${id}::uuid AND balance_micro - held_micro >= ${need}::bigint FOR UPDATE)`,
  ownerSet: () => sql``,
};

/**
 * Settlement batch, first step (expects `ch(charge_account, lease, cost_micro)`): locks the batch's
 * accounts in id order, then this instance's hold rows on them, and decides per (account, lease)
 * whether the calls are charged from the hold (`from_hold`: the database still has that lease)
 * or else whether the free balance covers every such group (`free_ok`). Defines `accs`, `ahold`, `ag`.
 */
export function batchAccountLocks(instanceId: string): SQL {
  return sql`accs AS (SELECT id, balance_micro - held_micro AS free FROM accounts WHERE id IN (SELECT charge_account FROM ch) ORDER BY id FOR UPDATE),
  ahold AS (
    SELECT account_id, lease, amount_micro FROM balance_holds
    WHERE instance_id = ${instanceId} AND account_id = ANY (ARRAY(SELECT id FROM accs)) ORDER BY account_id FOR UPDATE
  ),
  -- Per (account, lease): charged from the hold, or else whether the account's free balance covers all such groups.
  ag AS (
    SELECT g.account_id, g.lease, g.from_hold, g.cost,
      a.free >= sum(CASE WHEN g.from_hold THEN 0 ELSE g.cost END) OVER (PARTITION BY g.account_id) AS free_ok
    FROM (
      SELECT g.account_id, g.lease, g.cost, COALESCE(h.amount_micro >= g.cost, false) AS from_hold
      FROM (SELECT charge_account AS account_id, lease, sum(cost_micro) AS cost FROM ch GROUP BY 1, 2) g
      LEFT JOIN ahold h ON h.account_id = g.account_id AND h.lease = g.lease
    ) g JOIN accs a ON a.id = g.account_id
  )`;
}

/**
 * Settlement batch (expects `sa(account_id, from_hold)` from batch-charges): takes what was charged
 * from the hold out of this instance's hold rows. Defines `hold(account_id, delta)`, which the
 * account update subtracts from held_micro in the same statement.
 */
export function batchHoldCharges(instanceId: string): SQL {
  return sql`hold AS (
    -- The row is locked by ahold above, and from_hold > 0 means its lease was the calls' lease.
    UPDATE balance_holds h SET amount_micro = h.amount_micro - s.from_hold FROM sa s
    WHERE s.from_hold > 0 AND h.instance_id = ${instanceId} AND h.account_id = s.account_id
    RETURNING h.account_id, s.from_hold AS delta
  )`;
}
