import "server-only";
import { getDb, type Queryable } from "@/lib/db";
import type { HoldStore } from "./holds";

// The database side of holds: accounts.held_micro (or api_keys.cap_held_micro) and one row per
// instance in balance_holds (key_cap_holds), moved together in one statement.

/** Where one kind of hold lives: the owner's held column and the per-instance hold rows. */
interface HoldTables {
  owner: "accounts" | "api_keys";
  held: "held_micro" | "cap_held_micro";
  rows: "balance_holds" | "key_cap_holds";
  ownerId: "account_id" | "key_id";
}
const ACCOUNT_HOLDS: HoldTables = { owner: "accounts", held: "held_micro", rows: "balance_holds", ownerId: "account_id" };
const KEY_CAP_HOLDS: HoldTables = { owner: "api_keys", held: "cap_held_micro", rows: "key_cap_holds", ownerId: "key_id" };
const ALL_HOLDS = [ACCOUNT_HOLDS, KEY_CAP_HOLDS];

function releaseHold(t: HoldTables, instanceId: string): HoldStore["release"] {
  return async (ownerId, amount) => {
    const db = await getDb();
    await db.transaction(async (tx) => {
      await tx.query(`UPDATE ${t.owner} SET ${t.held} = ${t.held} - $2 WHERE id = $1`, [ownerId, amount.toString()]);
      await tx.query(`UPDATE ${t.rows} SET amount_micro = amount_micro - $3 WHERE instance_id = $1 AND ${t.ownerId} = $2`, [instanceId, ownerId, amount.toString()]);
      await tx.query(`DELETE FROM ${t.rows} WHERE instance_id = $1 AND ${t.ownerId} = $2 AND amount_micro <= 0`, [instanceId, ownerId]);
    });
  };
}

export function accountHoldStore(instanceId: string): HoldStore {
  return {
    async acquire(accountId, need, want) {
      const db = await getDb();
      const rows = await db.query<{ take: string }>(
        `WITH cur AS (
           SELECT id, LEAST(balance_micro - held_micro, $2::bigint) AS take FROM accounts
           WHERE id = $1 AND balance_micro - held_micro >= $3::bigint FOR UPDATE
         ), upd AS (
           UPDATE accounts a SET held_micro = a.held_micro + cur.take FROM cur WHERE a.id = cur.id RETURNING cur.take
         ), ins AS (
           INSERT INTO balance_holds (instance_id, account_id, amount_micro, heartbeat_at)
           SELECT $4, $1, take, now() FROM upd
           ON CONFLICT (instance_id, account_id) DO UPDATE
             SET amount_micro = balance_holds.amount_micro + EXCLUDED.amount_micro, heartbeat_at = now()
           RETURNING 1
         )
         SELECT take FROM upd, ins`,
        [accountId, want.toString(), need.toString(), instanceId],
      );
      return rows[0] ? BigInt(rows[0].take) : 0n;
    },
    release: releaseHold(ACCOUNT_HOLDS, instanceId),
  };
}

/** Start of the current UTC month as YYYY-MM-DD: caps reset then. */
export function monthStart(now = new Date()): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

export function keyCapHoldStore(instanceId: string): HoldStore {
  return {
    async acquire(keyId, need, want) {
      const db = await getDb();
      const month = monthStart();
      // A new month starts the period afresh; holds still out count against the new month.
      const rows = await db.query<{ take: string }>(
        `WITH cur AS (
           SELECT id, CASE WHEN period_start IS DISTINCT FROM $5::date THEN 0 ELSE period_spend_micro END AS spent
           FROM api_keys WHERE id = $1 AND spend_cap_micro IS NOT NULL FOR UPDATE
         ), room AS (
           SELECT k.id, LEAST(k.spend_cap_micro - cur.spent - k.cap_held_micro, $2::bigint) AS take, cur.spent
           FROM api_keys k JOIN cur ON cur.id = k.id
           WHERE k.spend_cap_micro - cur.spent - k.cap_held_micro >= $3::bigint
         ), upd AS (
           UPDATE api_keys k SET cap_held_micro = k.cap_held_micro + room.take, period_start = $5::date, period_spend_micro = room.spent
           FROM room WHERE k.id = room.id RETURNING room.take
         ), ins AS (
           INSERT INTO key_cap_holds (instance_id, key_id, amount_micro, heartbeat_at)
           SELECT $4, $1, take, now() FROM upd
           ON CONFLICT (instance_id, key_id) DO UPDATE
             SET amount_micro = key_cap_holds.amount_micro + EXCLUDED.amount_micro, heartbeat_at = now()
           RETURNING 1
         )
         SELECT take FROM upd, ins`,
        [keyId, want.toString(), need.toString(), instanceId, month],
      );
      return rows[0] ? BigInt(rows[0].take) : 0n;
    },
    release: releaseHold(KEY_CAP_HOLDS, instanceId),
  };
}

/** Keeps this instance's holds alive; the sweeper frees holds whose instance stopped beating. */
export async function heartbeat(instanceId: string): Promise<void> {
  const db = await getDb();
  for (const t of ALL_HOLDS) await db.query(`UPDATE ${t.rows} SET heartbeat_at = now() WHERE instance_id = $1`, [instanceId]);
}

/** Releases holds left by crashed instances (no heartbeat for `staleMs`). Safe on every instance at once. */
export async function sweepStaleHolds(staleMs: number): Promise<number> {
  const db = await getDb();
  const cutoff = new Date(Date.now() - staleMs);
  return db.transaction(async (tx: Queryable) => {
    let released = 0;
    for (const t of ALL_HOLDS) {
      const [r] = await tx.query<{ n: string }>(
        `WITH dead AS (DELETE FROM ${t.rows} WHERE heartbeat_at < $1 RETURNING ${t.ownerId} AS owner_id, amount_micro),
         sums AS (SELECT owner_id, sum(amount_micro) AS s FROM dead GROUP BY owner_id),
         upd AS (UPDATE ${t.owner} o SET ${t.held} = o.${t.held} - sums.s FROM sums WHERE o.id = sums.owner_id RETURNING 1)
         SELECT count(*)::text AS n FROM upd`,
        [cutoff],
      );
      released += Number(r?.n ?? 0);
    }
    return released;
  });
}
