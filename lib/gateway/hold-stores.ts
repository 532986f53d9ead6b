import "server-only";
import { randomUUID } from "node:crypto";
import { sql, type SQL } from "drizzle-orm";
import { getDb } from "@/lib/db";
import { BALANCE_HOLDS } from "@/lib/billing/balance-holds";
import { KEY_CAP_HOLDS, periodStarts, type PeriodStarts } from "@/lib/keys/cap-holds";
import type { HoldStore } from "./holds";

export { periodStarts, revokeKeyCapHolds } from "@/lib/keys/cap-holds";

// The database side of holds: accounts.held_micro (or api_keys.cap_held_micro) and one row per
// instance in balance_holds (key_cap_holds). Every statement that changes a row names its lease
// and changes the owner's held column by exactly what it changed in the row, so held = Σ rows
// by construction. Every statement locks the owner before the row: the order settlement and
// acquisition use, which keeps PostgreSQL free of deadlocks. See lib/gateway/README.md. The
// owners' parts (which columns, what may be taken) come from their modules; this composes them.

/**
 * Where one kind of hold lives, as its owning module writes it (lib/billing/balance-holds.ts,
 * lib/keys/cap-holds.ts): the owner's held column and the per-instance hold rows.
 */
export interface HoldTables {
  owner: SQL;
  held: SQL;
  rows: SQL;
  ownerId: SQL;
  /** CTEs ending in `budget(id, take)`: the locked owner and what may be taken. */
  budget(p: { id: string; want: string; need: string; periods: PeriodStarts }): SQL;
  /** Extra assignments on the owner when a chunk is taken (`budget` is in scope). */
  ownerSet(): SQL;
}

interface Acquire {
  id: string;
  want: string;
  need: string;
  periods: PeriodStarts;
  instanceId: string;
  lease: string;
}

/** A new row under a new lease; a row of this instance's that it abandoned is adopted with what it holds. */
const freshSql = (t: HoldTables, p: Acquire) => sql`WITH ${t.budget(p)},
  ins AS (
    INSERT INTO ${t.rows} (instance_id, ${t.ownerId}, amount_micro, heartbeat_at, lease)
    SELECT ${p.instanceId}, id, take, now(), ${p.lease}::uuid FROM budget
    ON CONFLICT (instance_id, ${t.ownerId}) DO UPDATE
      SET amount_micro = ${t.rows}.amount_micro + EXCLUDED.amount_micro, heartbeat_at = now(), lease = EXCLUDED.lease
    RETURNING amount_micro AS total
  ),
  upd AS (UPDATE ${t.owner} o SET ${t.held} = o.${t.held} + budget.take${t.ownerSet()} FROM budget, ins WHERE o.id = budget.id RETURNING budget.take, ins.total)
  SELECT take, total, 1 AS enough, true AS owned FROM upd`;

/** More money under the lease this instance holds, only if it still holds it. */
const topUpSql = (t: HoldTables, p: Acquire) => sql`WITH ${t.budget(p)},
  r AS (
    UPDATE ${t.rows} h SET amount_micro = h.amount_micro + budget.take, heartbeat_at = now() FROM budget
    WHERE h.instance_id = ${p.instanceId} AND h.${t.ownerId} = budget.id AND h.lease = ${p.lease}::uuid RETURNING budget.take, h.amount_micro AS total
  ),
  upd AS (UPDATE ${t.owner} o SET ${t.held} = o.${t.held} + r.take${t.ownerSet()} FROM budget, r WHERE o.id = budget.id RETURNING r.take, r.total)
  SELECT (SELECT take FROM upd) AS take, (SELECT total FROM upd) AS total, (SELECT count(*) FROM budget)::int AS enough,
    EXISTS (SELECT 1 FROM ${t.rows} WHERE instance_id = ${p.instanceId} AND ${t.ownerId} = ${p.id}::uuid AND lease = ${p.lease}::uuid) AS owned`;

/** Gives back `amount`: the row goes when that is all of it. Matches nothing when the lease is lost. */
const releaseSql = (
  t: HoldTables,
  instanceId: string,
  id: string,
  lease: string,
  amount: string,
) => sql`WITH o AS (SELECT id FROM ${t.owner} WHERE id = ${id}::uuid FOR UPDATE),
  del AS (
    DELETE FROM ${t.rows} h USING o WHERE h.instance_id = ${instanceId} AND h.${t.ownerId} = o.id AND h.lease = ${lease}::uuid AND h.amount_micro = ${amount}::bigint
    RETURNING h.amount_micro AS released
  ),
  upd AS (
    UPDATE ${t.rows} h SET amount_micro = h.amount_micro - ${amount}::bigint FROM o
    WHERE h.instance_id = ${instanceId} AND h.${t.ownerId} = o.id AND h.lease = ${lease}::uuid AND h.amount_micro > ${amount}::bigint
    RETURNING ${amount}::bigint AS released
  ),
  r AS (SELECT released FROM del UNION ALL SELECT released FROM upd),
  own AS (UPDATE ${t.owner} x SET ${t.held} = x.${t.held} - r.released FROM r WHERE x.id = ${id}::uuid RETURNING 1)
  SELECT count(*)::int AS n FROM own`;

// Rows locked in owner order, like the settlement batch, so the two never wait on each other in a cycle.
const refreshSql = (t: HoldTables, instanceId: string, ids: string[], leases: string[]) => sql`WITH l AS (
    SELECT h.${t.ownerId} AS owner_id, h.lease FROM ${t.rows} h
    JOIN unnest(${sql.param(ids)}::uuid[], ${sql.param(leases)}::uuid[]) AS x(owner_id, lease) ON h.${t.ownerId} = x.owner_id AND h.lease = x.lease
    WHERE h.instance_id = ${instanceId} ORDER BY h.${t.ownerId} FOR UPDATE OF h
  )
  UPDATE ${t.rows} h SET heartbeat_at = now() FROM l WHERE h.instance_id = ${instanceId} AND h.${t.ownerId} = l.owner_id AND h.lease = l.lease
  RETURNING h.${t.ownerId} AS owner_id, h.lease`;

function holdStore(t: HoldTables, instanceId: string): HoldStore {
  return {
    async acquire(id, lease, need, want) {
      const db = await getDb();
      const p: Acquire = {
        id,
        want: want.toString(),
        need: need.toString(),
        periods: periodStarts(),
        instanceId,
        lease: lease ?? randomUUID(),
      };
      const [r] = await db.rows<{ take: string | null; total: string | null; enough: number; owned: boolean }>(
        lease ? topUpSql(t, p) : freshSql(t, p),
      );
      if (r?.take != null) return { lease: p.lease, took: BigInt(r.take), total: BigInt(r.total!) };
      // Not enough money is only an answer while the lease is ours; otherwise start afresh.
      return r && (r.enough > 0 || !r.owned) ? "lost" : null;
    },
    async release(id, lease, amount) {
      const db = await getDb();
      const [r] = await db.rows<{ n: number }>(releaseSql(t, instanceId, id, lease, amount.toString()));
      return Number(r?.n ?? 0) > 0;
    },
    async refresh(holds) {
      const db = await getDb();
      const rows = await db.rows<{ owner_id: string; lease: string }>(
        refreshSql(
          t,
          instanceId,
          holds.map((h) => h.id),
          holds.map((h) => h.lease),
        ),
      );
      return new Set(rows.map((r) => `${r.owner_id}:${r.lease}`));
    },
  };
}

export const accountHoldStore = (instanceId: string) => holdStore(BALANCE_HOLDS, instanceId);
export const keyCapHoldStore = (instanceId: string) => holdStore(KEY_CAP_HOLDS, instanceId);

/** One stale row: deleted, and its owner's held column reduced by exactly its amount, in one statement. */
const sweepRowSql = (
  t: HoldTables,
  row: { instance_id: string; owner_id: string; lease: string },
  staleMs: number,
) => sql`WITH o AS (SELECT id FROM ${t.owner} WHERE id = ${row.owner_id}::uuid FOR UPDATE),
  d AS (
    DELETE FROM ${t.rows} h USING o
    WHERE h.instance_id = ${row.instance_id} AND h.${t.ownerId} = o.id AND h.lease = ${row.lease}::uuid AND h.heartbeat_at < now() - ${staleMs}::int * interval '1 millisecond'
    RETURNING h.amount_micro
  ),
  u AS (UPDATE ${t.owner} x SET ${t.held} = x.${t.held} - d.amount_micro FROM d WHERE x.id = ${row.owner_id}::uuid RETURNING 1)
  SELECT count(*)::int AS n FROM u`;

/**
 * Releases holds whose instance stopped heartbeating for `staleMs` (by the database's clock).
 * One row per statement: a row that cannot be released (say a broken owner) is reported through
 * `onError` and the sweep goes on with the others. Safe on every instance at once. Returns how
 * many rows it released.
 */
export async function sweepStaleHolds(
  staleMs: number,
  onError: (err: unknown, row: string) => void = () => {},
): Promise<number> {
  const db = await getDb();
  let released = 0;
  for (const t of [BALANCE_HOLDS, KEY_CAP_HOLDS]) {
    const dead = await db.rows<{ instance_id: string; owner_id: string; lease: string }>(
      sql`SELECT instance_id, ${t.ownerId}::text AS owner_id, lease::text FROM ${t.rows}
       WHERE heartbeat_at < now() - ${staleMs}::int * interval '1 millisecond' ORDER BY heartbeat_at LIMIT 1000`,
    );
    for (const row of dead) {
      try {
        const [r] = await db.rows<{ n: number }>(sweepRowSql(t, row, staleMs));
        released += Number(r?.n ?? 0);
      } catch (err) {
        onError(
          err,
          `${t.rows === BALANCE_HOLDS.rows ? "balance_holds" : "key_cap_holds"} ${row.instance_id} ${row.owner_id}`,
        );
      }
    }
  }
  return released;
}
