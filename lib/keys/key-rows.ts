import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db";
import { apiKeys } from "@/lib/db/schema";
import type { KeyRow } from "./key-view";
import type { CapPeriod } from "./cap-holds";

// The owner of `api_keys` (but its hold columns, which the gateway's cap-holds.ts moves): the only
// SQL on the table. The dashboard's key management (store.ts), rolls (roll.ts) and the resolver
// (resolve.ts) call these. A rolled key reports its replacement's cap: KEY_COLUMNS spells that out once.

const KEY_COLUMNS: SQL = sql`id, name, start, created_at, last_used_at, expires_at, revoked_at, replaced_by, cap_key_id,
  models, can_manage_keys, can_call_models,
  CASE WHEN cap_key_id IS NULL THEN spend_cap_micro
       ELSE (SELECT c.spend_cap_micro FROM ${apiKeys} c WHERE c.id = api_keys.cap_key_id) END AS spend_cap_micro,
  CASE WHEN cap_key_id IS NULL THEN cap_period
       ELSE (SELECT c.cap_period FROM ${apiKeys} c WHERE c.id = api_keys.cap_key_id) END AS cap_period`;

/** A text[] parameter (NULL = every model). */
const modelsParam = (m: string[] | null) => (m === null ? sql`NULL::text[]` : sql`${sql.param(m)}::text[]`);

/** Keys of the account that are neither revoked nor expired at `now` (keys in a roll's grace count). */
export async function countActiveKeys(q: Queryable, accountId: string, now: Date): Promise<number> {
  const [row] = await q.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${apiKeys}
    WHERE account_id = ${accountId} AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ${now})`);
  return Number(row?.n ?? 0);
}

export interface NewKey {
  accountId: string;
  name: string;
  hash: string;
  start: string;
  now: Date;
  expiresAt: Date | null;
  spendCapMicro: bigint | null;
  capPeriod: CapPeriod;
  models: string[] | null;
  canManageKeys: boolean;
  canCallModels: boolean;
}

export async function insertKey(q: Queryable, k: NewKey): Promise<KeyRow> {
  const [row] = await q.rows<KeyRow>(sql`
    INSERT INTO ${apiKeys} (account_id, name, key_hash, start, created_at, expires_at, spend_cap_micro, cap_period, models, can_manage_keys, can_call_models)
    VALUES (${k.accountId}, ${k.name}, ${k.hash}, ${k.start}, ${k.now}, ${k.expiresAt}, ${k.spendCapMicro?.toString() ?? null},
      ${k.capPeriod}, ${modelsParam(k.models)}, ${k.canManageKeys}, ${k.canCallModels})
    RETURNING ${KEY_COLUMNS}`);
  return row!;
}

/** Newest first, revoked and expired ones included. */
export async function listKeyRows(q: Queryable, accountId: string): Promise<KeyRow[]> {
  return q.rows<KeyRow>(sql`
    SELECT ${KEY_COLUMNS} FROM ${apiKeys} WHERE account_id = ${accountId} ORDER BY created_at DESC, id DESC`);
}

/** Each key of the account mapped to the key whose cap it counts against (its own id, or `cap_key_id`). */
export async function capKeyOfEach(q: Queryable, accountId: string): Promise<Map<string, string>> {
  const rows = await q.rows<{ id: string; cap_key_id: string }>(
    sql`SELECT id, COALESCE(cap_key_id, id) AS cap_key_id FROM ${apiKeys} WHERE account_id = ${accountId}`,
  );
  return new Map(rows.map((r) => [r.id, r.cap_key_id]));
}

/** One key of the account; `forUpdate` locks it until the caller's transaction ends. */
export async function findKey(q: Queryable, accountId: string, id: string, forUpdate = false): Promise<KeyRow | null> {
  const [row] = await q.rows<KeyRow>(sql`
    SELECT ${KEY_COLUMNS} FROM ${apiKeys} WHERE id = ${id} AND account_id = ${accountId}${forUpdate ? sql` FOR UPDATE` : sql``}`);
  return row ?? null;
}

export async function keyExists(q: Queryable, accountId: string, id: string): Promise<boolean> {
  const rows = await q.rows(sql`SELECT 1 FROM ${apiKeys} WHERE id = ${id} AND account_id = ${accountId}`);
  return rows.length > 0;
}

/** Revokes the key (a repeat keeps the first time); null when the account has no such key. */
export async function revokeKeyRow(tx: Queryable, accountId: string, id: string, now: Date): Promise<KeyRow | null> {
  const [row] = await tx.rows<KeyRow>(sql`
    UPDATE ${apiKeys} SET revoked_at = COALESCE(revoked_at, ${now}) WHERE id = ${id} AND account_id = ${accountId}
    RETURNING ${KEY_COLUMNS}`);
  return row ?? null;
}

export interface KeyEdit {
  name?: string;
  /** null removes the cap. */
  spendCapMicro?: bigint | null;
  capPeriod?: CapPeriod;
  /** null allows every model. */
  models?: string[] | null;
}

/**
 * Applies the edit; a cap change applies only to a key that was not rolled (a rolled key's
 * calls count against its replacement's cap). Null when nothing matched.
 */
export async function updateKeyRow(tx: Queryable, accountId: string, id: string, e: KeyEdit): Promise<KeyRow | null> {
  const sets: SQL[] = [];
  if (e.name !== undefined) sets.push(sql`name = ${e.name}`);
  if (e.spendCapMicro !== undefined) sets.push(sql`spend_cap_micro = ${e.spendCapMicro?.toString() ?? null}`);
  if (e.capPeriod !== undefined) sets.push(sql`cap_period = ${e.capPeriod}`);
  if (e.models !== undefined) sets.push(sql`models = ${modelsParam(e.models)}`);
  const capChange = e.spendCapMicro !== undefined || e.capPeriod !== undefined ? sql` AND cap_key_id IS NULL` : sql``;
  const [row] = await tx.rows<KeyRow>(sql`
    UPDATE ${apiKeys} SET ${sql.join(sets, sql`, `)} WHERE id = ${id} AND account_id = ${accountId}${capChange}
    RETURNING ${KEY_COLUMNS}`);
  return row ?? null;
}

/**
 * Restarts the key's period count at `start` (YYYY-MM-DD) with `spent`: what its line spent since
 * then, recounted from usage when the cap's period changes (the old count was for another period).
 */
export async function setPeriodSpend(tx: Queryable, id: string, start: string, spent: bigint): Promise<void> {
  await tx.rows(
    sql`UPDATE ${apiKeys} SET period_start = ${start}::date, period_spend_micro = ${spent.toString()} WHERE id = ${id}`,
  );
}

/** A new key copying the old one's expiry, cap, period spend, allowlist and powers (a roll). */
export async function insertRolledKey(
  tx: Queryable,
  oldId: string,
  k: { name: string; hash: string; start: string; now: Date },
): Promise<KeyRow> {
  const [row] = await tx.rows<KeyRow>(sql`
    INSERT INTO ${apiKeys} (account_id, name, key_hash, start, created_at, expires_at, spend_cap_micro, period_start, period_spend_micro,
      cap_period, models, can_manage_keys, can_call_models)
    SELECT account_id, ${k.name}, ${k.hash}, ${k.start}, ${k.now}, expires_at, spend_cap_micro, period_start, period_spend_micro,
      cap_period, models, can_manage_keys, can_call_models
    FROM ${apiKeys} WHERE id = ${oldId}
    RETURNING ${KEY_COLUMNS}`);
  return row!;
}

/** Keys that counted against `fromKeyId`'s cap now count against `toKeyId`'s. */
export async function moveCapLineage(tx: Queryable, accountId: string, fromKeyId: string, toKeyId: string) {
  await tx.rows(
    sql`UPDATE ${apiKeys} SET cap_key_id = ${toKeyId} WHERE account_id = ${accountId} AND cap_key_id = ${fromKeyId}`,
  );
}

/** Marks the key replaced by `freshId` (whose cap it now counts against), expiring by `graceEnd`. */
export async function markReplaced(
  tx: Queryable,
  accountId: string,
  id: string,
  freshId: string,
  graceEnd: Date,
): Promise<KeyRow> {
  const [row] = await tx.rows<KeyRow>(sql`
    UPDATE ${apiKeys} SET replaced_by = ${freshId}, cap_key_id = ${freshId},
      expires_at = LEAST(COALESCE(expires_at, ${graceEnd}), ${graceEnd})
    WHERE id = ${id} AND account_id = ${accountId} RETURNING ${KEY_COLUMNS}`);
  return row!;
}

export interface KeyForResolve {
  id: string;
  account_id: string;
  name: string;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  cap_key_id: string;
  spend_cap_micro: string | bigint | null;
  cap_period: CapPeriod;
  models: string[] | null;
  can_manage_keys: boolean;
  can_call_models: boolean;
}

/** The key with this secret hash, with the cap in force (its replacement's once rolled). */
export async function findKeyByHash(q: Queryable, hash: string): Promise<KeyForResolve | null> {
  const [row] = await q.rows<KeyForResolve>(sql`
    SELECT k.id, k.account_id, k.name, k.expires_at, k.revoked_at, COALESCE(c.id, k.id) AS cap_key_id,
           CASE WHEN c.id IS NULL THEN k.spend_cap_micro ELSE c.spend_cap_micro END AS spend_cap_micro,
           CASE WHEN c.id IS NULL THEN k.cap_period ELSE c.cap_period END AS cap_period,
           k.models, k.can_manage_keys, k.can_call_models
    FROM ${apiKeys} k LEFT JOIN ${apiKeys} c ON c.id = k.cap_key_id WHERE k.key_hash = ${hash}`);
  return row ?? null;
}

/**
 * A join clause for listing calls: `k.name` and `k.start` of the account's key `keyId` (a column
 * of the outer query), looked up per row so an ordered scan keeps its order up to a LIMIT.
 */
export function keyLabelJoin(keyId: SQL, accountId: string): SQL {
  return sql`LEFT JOIN LATERAL (SELECT name, start FROM ${apiKeys} WHERE id = ${keyId} AND account_id = ${accountId}) k ON true`;
}
