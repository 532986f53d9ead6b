import "server-only";
import { randomUUID } from "node:crypto";
import { getDb, type Queryable } from "@/lib/db";
import type { HoldStore } from "./holds";

// The database side of holds: accounts.held_micro (or api_keys.cap_held_micro) and one row per
// instance in balance_holds (key_cap_holds). Every statement that changes a row names its lease
// and changes the owner's held column by exactly what it changed in the row, so held = Σ rows
// by construction. Every statement locks the owner before the row: the order settlement and
// acquisition use, which keeps PostgreSQL free of deadlocks. See lib/gateway/README.md.

/** Where one kind of hold lives: the owner's held column and the per-instance hold rows. */
interface HoldTables {
  owner: "accounts" | "api_keys";
  held: "held_micro" | "cap_held_micro";
  rows: "balance_holds" | "key_cap_holds";
  ownerId: "account_id" | "key_id";
  /** CTEs ending in `budget(id, take)`: the locked owner and what may be taken ($1 id, $2 want, $3 need, $6 month). */
  budget: string;
  /** Extra assignments on the owner when a chunk is taken. */
  ownerSet: string;
}

const ACCOUNT_HOLDS: HoldTables = {
  owner: "accounts",
  held: "held_micro",
  rows: "balance_holds",
  ownerId: "account_id",
  budget: `budget AS (
    SELECT id, LEAST(balance_micro - held_micro, $2::bigint) AS take FROM accounts
    WHERE id = $1 AND balance_micro - held_micro >= $3::bigint FOR UPDATE)`,
  ownerSet: "",
};

// A new month starts the period afresh; holds still out count against the new month.
const KEY_CAP_HOLDS: HoldTables = {
  owner: "api_keys",
  held: "cap_held_micro",
  rows: "key_cap_holds",
  ownerId: "key_id",
  budget: `cur AS (
    SELECT id, spend_cap_micro, cap_held_micro, CASE WHEN period_start IS DISTINCT FROM $6::date THEN 0 ELSE period_spend_micro END AS spent
    FROM api_keys WHERE id = $1 AND spend_cap_micro IS NOT NULL FOR UPDATE
  ), budget AS (
    SELECT id, LEAST(spend_cap_micro - spent - cap_held_micro, $2::bigint) AS take, spent FROM cur
    WHERE spend_cap_micro - spent - cap_held_micro >= $3::bigint)`,
  ownerSet: ", period_start = $6::date, period_spend_micro = budget.spent",
};
const ALL_HOLDS = [ACCOUNT_HOLDS, KEY_CAP_HOLDS];

/** Start of the current UTC month as YYYY-MM-DD: caps reset then. */
export function monthStart(now = new Date()): string {
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

/** A new row under a new lease; a row of this instance's that it abandoned is adopted with what it holds. */
const freshSql = (t: HoldTables) => `WITH ${t.budget},
  ins AS (
    INSERT INTO ${t.rows} (instance_id, ${t.ownerId}, amount_micro, heartbeat_at, lease)
    SELECT $4, id, take, now(), $5::uuid FROM budget
    ON CONFLICT (instance_id, ${t.ownerId}) DO UPDATE
      SET amount_micro = ${t.rows}.amount_micro + EXCLUDED.amount_micro, heartbeat_at = now(), lease = EXCLUDED.lease
    RETURNING amount_micro AS total
  ),
  upd AS (UPDATE ${t.owner} o SET ${t.held} = o.${t.held} + budget.take${t.ownerSet} FROM budget, ins WHERE o.id = budget.id RETURNING budget.take, ins.total)
  SELECT take, total, 1 AS enough, true AS owned FROM upd`;

/** More money under the lease this instance holds, only if it still holds it. */
const topUpSql = (t: HoldTables) => `WITH ${t.budget},
  r AS (
    UPDATE ${t.rows} h SET amount_micro = h.amount_micro + budget.take, heartbeat_at = now() FROM budget
    WHERE h.instance_id = $4 AND h.${t.ownerId} = budget.id AND h.lease = $5::uuid RETURNING budget.take, h.amount_micro AS total
  ),
  upd AS (UPDATE ${t.owner} o SET ${t.held} = o.${t.held} + r.take${t.ownerSet} FROM budget, r WHERE o.id = budget.id RETURNING r.take, r.total)
  SELECT (SELECT take FROM upd) AS take, (SELECT total FROM upd) AS total, (SELECT count(*) FROM budget)::int AS enough,
    EXISTS (SELECT 1 FROM ${t.rows} WHERE instance_id = $4 AND ${t.ownerId} = $1 AND lease = $5::uuid) AS owned`;

/** Gives back `amount`: the row goes when that is all of it. Matches nothing when the lease is lost. */
const releaseSql = (t: HoldTables) => `WITH o AS (SELECT id FROM ${t.owner} WHERE id = $2 FOR UPDATE),
  del AS (
    DELETE FROM ${t.rows} h USING o WHERE h.instance_id = $1 AND h.${t.ownerId} = o.id AND h.lease = $3::uuid AND h.amount_micro = $4::bigint
    RETURNING h.amount_micro AS released
  ),
  upd AS (
    UPDATE ${t.rows} h SET amount_micro = h.amount_micro - $4::bigint FROM o
    WHERE h.instance_id = $1 AND h.${t.ownerId} = o.id AND h.lease = $3::uuid AND h.amount_micro > $4::bigint
    RETURNING $4::bigint AS released
  ),
  r AS (SELECT released FROM del UNION ALL SELECT released FROM upd),
  own AS (UPDATE ${t.owner} x SET ${t.held} = x.${t.held} - r.released FROM r WHERE x.id = $2 RETURNING 1)
  SELECT count(*)::int AS n FROM own`;

// Rows locked in owner order, like the settlement batch, so the two never wait on each other in a cycle.
const refreshSql = (t: HoldTables) => `WITH l AS (
    SELECT h.${t.ownerId} AS owner_id, h.lease FROM ${t.rows} h
    JOIN unnest($2::uuid[], $3::uuid[]) AS x(owner_id, lease) ON h.${t.ownerId} = x.owner_id AND h.lease = x.lease
    WHERE h.instance_id = $1 ORDER BY h.${t.ownerId} FOR UPDATE OF h
  )
  UPDATE ${t.rows} h SET heartbeat_at = now() FROM l WHERE h.instance_id = $1 AND h.${t.ownerId} = l.owner_id AND h.lease = l.lease
  RETURNING h.${t.ownerId} AS owner_id, h.lease`;

function holdStore(t: HoldTables, instanceId: string): HoldStore {
  return {
    async acquire(id, lease, need, want) {
      const db = await getDb();
      const sql = lease ? topUpSql(t) : freshSql(t);
      const params = [id, want.toString(), need.toString(), instanceId, lease ?? (lease = randomUUID())];
      if (t.owner === "api_keys") params.push(monthStart());
      const [r] = await db.query<{ take: string | null; total: string | null; enough: number; owned: boolean }>(sql, params);
      if (r?.take != null) return { lease, took: BigInt(r.take), total: BigInt(r.total!) };
      // Not enough money is only an answer while the lease is ours; otherwise start afresh.
      return r && (r.enough > 0 || !r.owned) ? "lost" : null;
    },
    async release(id, lease, amount) {
      const db = await getDb();
      const [r] = await db.query<{ n: number }>(releaseSql(t), [instanceId, id, lease, amount.toString()]);
      return Number(r?.n ?? 0) > 0;
    },
    async refresh(holds) {
      const db = await getDb();
      const rows = await db.query<{ owner_id: string; lease: string }>(refreshSql(t), [instanceId, holds.map((h) => h.id), holds.map((h) => h.lease)]);
      return new Set(rows.map((r) => `${r.owner_id}:${r.lease}`));
    },
  };
}

export const accountHoldStore = (instanceId: string) => holdStore(ACCOUNT_HOLDS, instanceId);
export const keyCapHoldStore = (instanceId: string) => holdStore(KEY_CAP_HOLDS, instanceId);

/**
 * Revokes every instance's hold on a key's cap (in the caller's transaction, e.g. with a cap
 * change): the rows go and cap_held_micro drops by what they held, so a lowered cap binds at
 * once and each instance learns at its next use of the hold that it lost the lease.
 */
export async function revokeKeyCapHolds(q: Queryable, keyId: string): Promise<void> {
  await q.query(
    `WITH k AS (SELECT id FROM api_keys WHERE id = $1 FOR UPDATE),
     d AS (DELETE FROM key_cap_holds h USING k WHERE h.key_id = k.id RETURNING h.amount_micro),
     u AS (UPDATE api_keys x SET cap_held_micro = x.cap_held_micro - (SELECT COALESCE(sum(amount_micro), 0) FROM d) WHERE x.id = $1 RETURNING 1)
     SELECT count(*) FROM u`,
    [keyId],
  );
}

/** One stale row: deleted, and its owner's held column reduced by exactly its amount, in one statement. */
const sweepRowSql = (t: HoldTables) => `WITH o AS (SELECT id FROM ${t.owner} WHERE id = $2 FOR UPDATE),
  d AS (
    DELETE FROM ${t.rows} h USING o
    WHERE h.instance_id = $1 AND h.${t.ownerId} = o.id AND h.lease = $3::uuid AND h.heartbeat_at < now() - $4::int * interval '1 millisecond'
    RETURNING h.amount_micro
  ),
  u AS (UPDATE ${t.owner} x SET ${t.held} = x.${t.held} - d.amount_micro FROM d WHERE x.id = $2 RETURNING 1)
  SELECT count(*)::int AS n FROM u`;

/**
 * Releases holds whose instance stopped heartbeating for `staleMs` (by the database's clock).
 * One row per statement: a row that cannot be released (say a broken owner) is reported through
 * `onError` and the sweep goes on with the others. Safe on every instance at once. Returns how
 * many rows it released.
 */
export async function sweepStaleHolds(staleMs: number, onError: (err: unknown, row: string) => void = () => {}): Promise<number> {
  const db = await getDb();
  let released = 0;
  for (const t of ALL_HOLDS) {
    const dead = await db.query<{ instance_id: string; owner_id: string; lease: string }>(
      `SELECT instance_id, ${t.ownerId} AS owner_id, lease FROM ${t.rows}
       WHERE heartbeat_at < now() - $1::int * interval '1 millisecond' ORDER BY heartbeat_at LIMIT 1000`,
      [staleMs],
    );
    for (const row of dead) {
      try {
        const [r] = await db.query<{ n: number }>(sweepRowSql(t), [row.instance_id, row.owner_id, row.lease, staleMs]);
        released += Number(r?.n ?? 0);
      } catch (err) {
        onError(err, `${t.rows} ${row.instance_id} ${row.owner_id}`);
      }
    }
  }
  return released;
}
