import "server-only";
import { getDb, type Queryable } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { generateApiKey } from "./format";
import { KEY_NAME_MAX, MAX_ACTIVE_KEYS, MAX_SPEND_CAP_MICRO, ROLL_GRACE_SECONDS, type RollGraceSeconds } from "./limits";
import { invalidateKey } from "./resolve";
import { revokeKeyCapHolds } from "@/lib/gateway/hold-stores";

// Dashboard-side key management. Every query is scoped by account; the secret leaves this
// module exactly once (from create/roll) and is never stored or listed.

export { MAX_ACTIVE_KEYS, KEY_NAME_MAX, ROLL_GRACE_SECONDS, MAX_SPEND_CAP_MICRO, type RollGraceSeconds };

export type KeyStatus = "active" | "expired" | "revoked";

export interface ApiKeyView {
  id: string;
  name: string;
  start: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  spendCapMicro: bigint | null;
  /** Set once the key was rolled: the id of the key that replaces it. */
  replacedBy: string | null;
  status: KeyStatus;
}

interface KeyRow {
  id: string;
  name: string;
  start: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  spend_cap_micro: string | bigint | null;
  replaced_by: string | null;
}

const COLUMNS = "id, name, start, created_at, last_used_at, expires_at, revoked_at, spend_cap_micro, replaced_by";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const date = (v: Date | string | null) => (v === null ? null : new Date(v));

function toView(r: KeyRow, now: Date): ApiKeyView {
  const revokedAt = date(r.revoked_at);
  const expiresAt = date(r.expires_at);
  const status: KeyStatus =
    revokedAt !== null && revokedAt <= now ? "revoked" : expiresAt !== null && expiresAt <= now ? "expired" : "active";
  return {
    id: r.id,
    name: r.name,
    start: r.start,
    createdAt: new Date(r.created_at),
    lastUsedAt: date(r.last_used_at),
    expiresAt,
    revokedAt,
    spendCapMicro: r.spend_cap_micro === null ? null : BigInt(r.spend_cap_micro),
    replacedBy: r.replaced_by,
    status,
  };
}

function notFound(): AppError {
  return new AppError("not_found", "No such key.");
}

export function normalizeKeyName(name: string): string {
  const n = name.trim();
  if (n.length < 1 || n.length > KEY_NAME_MAX) throw new AppError("invalid_request", `name: must be 1 to ${KEY_NAME_MAX} characters.`);
  // Names end up in tables, CSV exports and logs: no line breaks or other control characters.
  if (/[\u0000-\u001f\u007f]/.test(n)) throw new AppError("invalid_request", "name: must not contain control characters.");
  return n;
}

function checkSpendCap(cap: bigint | null | undefined) {
  if (cap === null || cap === undefined) return;
  if (cap <= 0n || cap > MAX_SPEND_CAP_MICRO) throw new AppError("invalid_request", "spendCapMicro: must be a positive amount of at most $1,000,000,000.");
}

export interface CreateKeyInput {
  name: string;
  expiresAt?: Date | null;
  spendCapMicro?: bigint | null;
}

export async function createKey(accountId: string, input: CreateKeyInput, now = new Date()): Promise<{ key: ApiKeyView; secret: string }> {
  const name = normalizeKeyName(input.name);
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && !(expiresAt.getTime() > now.getTime())) throw new AppError("invalid_request", "expiresAt: must be in the future.");
  checkSpendCap(input.spendCapMicro);
  const db = await getDb();
  const generated = generateApiKey();
  const row = await db.transaction(async (tx) => {
    // The account row lock serializes concurrent creates, so the count below cannot go stale.
    const [account] = await tx.query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE", [accountId]);
    if (!account) throw new AppError("not_found", "Account not found.");
    const [active] = await tx.query<{ n: number | string }>(
      `SELECT count(*)::int AS n FROM api_keys
       WHERE account_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`,
      [accountId, now],
    );
    if (Number(active?.n ?? 0) >= MAX_ACTIVE_KEYS) {
      throw new AppError("too_many_keys", `An account can have at most ${MAX_ACTIVE_KEYS} active keys. Revoke one you no longer use first.`);
    }
    const [inserted] = await tx.query<KeyRow>(
      `INSERT INTO api_keys (account_id, name, key_hash, start, created_at, expires_at, spend_cap_micro)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [accountId, name, generated.hash, generated.start, now, expiresAt, input.spendCapMicro?.toString() ?? null],
    );
    return inserted!;
  });
  return { key: toView(row, now), secret: generated.secret };
}

/** Newest first; includes revoked and expired keys so the history stays visible. */
export async function listKeys(accountId: string, now = new Date()): Promise<ApiKeyView[]> {
  const db = await getDb();
  const rows = await db.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE account_id = $1 ORDER BY created_at DESC, id DESC`, [accountId]);
  return rows.map((r) => toView(r, now));
}

export function startOfUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** What each of the account's keys has cost since the start of the current UTC month, in one query. */
export async function monthSpendByKey(accountId: string, now = new Date(), q?: Queryable): Promise<Map<string, bigint>> {
  const db = q ?? (await getDb());
  const rows = await db.query<{ key_id: string; spent: string | bigint }>(
    // A month starts on the hour, so the hourly rollup answers exactly (and in a few thousand rows).
    `SELECT key_id, COALESCE(sum(cost_micro), 0) AS spent FROM usage_hourly
     WHERE account_id = $1 AND key_id IS NOT NULL AND hour >= $2 GROUP BY key_id`,
    [accountId, startOfUtcMonth(now)],
  );
  return new Map(rows.map((r) => [r.key_id, BigInt(r.spent)]));
}

/** Revokes at once; repeating it is harmless (the first revocation time is kept). */
export async function revokeKey(accountId: string, id: string, now = new Date()): Promise<ApiKeyView> {
  if (!UUID.test(id)) throw notFound();
  const db = await getDb();
  const [row] = await db.query<KeyRow>(
    `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND account_id = $2 RETURNING ${COLUMNS}`,
    [id, accountId, now],
  );
  if (!row) throw notFound();
  // Also on a repeat: if the first notify failed after the commit, retrying the revoke fixes it.
  await invalidateKey(row.id);
  return toView(row, now);
}

/**
 * Replaces a key with a new one (same name, expiry and spend cap); the old one expires after
 * the grace period. Only a key that is active and not already rolled can be rolled: a revoked,
 * expired or replaced key answers 400 invalid_request. Rolling is allowed at the active-key
 * limit, because replacing a leaked key must never be blocked.
 */
export async function rollKey(
  accountId: string,
  id: string,
  graceSeconds: RollGraceSeconds,
  now = new Date(),
): Promise<{ key: ApiKeyView; secret: string; replaced: ApiKeyView }> {
  if (!(ROLL_GRACE_SECONDS as readonly number[]).includes(graceSeconds)) {
    throw new AppError("invalid_request", "graceSeconds: must be 0, 3600 or 86400.");
  }
  if (!UUID.test(id)) throw notFound();
  const db = await getDb();
  const generated = generateApiKey();
  const graceEnd = new Date(now.getTime() + graceSeconds * 1000);
  const { fresh, replaced } = await db.transaction(async (tx) => {
    // Locking the old row makes two concurrent rolls of one key produce one replacement.
    const [old] = await tx.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1 AND account_id = $2 FOR UPDATE`, [id, accountId]);
    if (!old) throw notFound();
    const view = toView(old, now);
    if (view.status === "revoked") throw new AppError("invalid_request", "This key has been revoked. Create a new key instead.");
    if (view.status === "expired") throw new AppError("invalid_request", "This key has expired. Create a new key instead.");
    if (view.replacedBy) throw new AppError("invalid_request", "This key was already rolled. Roll its replacement instead.");
    const [fresh] = await tx.query<KeyRow>(
      `INSERT INTO api_keys (account_id, name, key_hash, start, created_at, expires_at, spend_cap_micro)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [accountId, old.name, generated.hash, generated.start, now, old.expires_at, old.spend_cap_micro?.toString() ?? null],
    );
    const [replaced] = await tx.query<KeyRow>(
      `UPDATE api_keys SET replaced_by = $3, expires_at = LEAST(COALESCE(expires_at, $4), $4)
       WHERE id = $1 AND account_id = $2 RETURNING ${COLUMNS}`,
      [id, accountId, fresh!.id, graceEnd],
    );
    return { fresh: fresh!, replaced: replaced! };
  });
  await invalidateKey(replaced.id);
  return { key: toView(fresh, now), secret: generated.secret, replaced: toView(replaced, now) };
}

export interface UpdateKeyInput {
  name?: string;
  /** null removes the cap. */
  spendCapMicro?: bigint | null;
}

export async function updateKey(accountId: string, id: string, input: UpdateKeyInput, now = new Date()): Promise<ApiKeyView> {
  if (!UUID.test(id)) throw notFound();
  const sets: string[] = [];
  const params: unknown[] = [id, accountId];
  if (input.name !== undefined) {
    params.push(normalizeKeyName(input.name));
    sets.push(`name = $${params.length}`);
  }
  if (input.spendCapMicro !== undefined) {
    checkSpendCap(input.spendCapMicro);
    params.push(input.spendCapMicro?.toString() ?? null);
    sets.push(`spend_cap_micro = $${params.length}`);
  }
  const db = await getDb();
  const [row] = sets.length
    ? await db.transaction(async (tx) => {
        const rows = await tx.query<KeyRow>(`UPDATE api_keys SET ${sets.join(", ")} WHERE id = $1 AND account_id = $2 RETURNING ${COLUMNS}`, params);
        // A new cap binds at once: gateway instances lose the cap holds taken under the old one.
        if (rows[0] && input.spendCapMicro !== undefined) await revokeKeyCapHolds(tx, rows[0].id);
        return rows;
      })
    : await db.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1 AND account_id = $2`, params);
  if (!row) throw notFound();
  // Resolved keys carry their name and cap; other instances must not keep serving the old ones.
  if (sets.length) await invalidateKey(row.id);
  return toView(row, now);
}

/** The key list for the dashboard, each with what it has cost this UTC month. */
export async function listKeysWithMonthSpend(accountId: string, now = new Date()): Promise<(ApiKeyView & { monthSpendMicro: bigint })[]> {
  const [keys, spend] = await Promise.all([listKeys(accountId, now), monthSpendByKey(accountId, now)]);
  return keys.map((k) => ({ ...k, monthSpendMicro: spend.get(k.id) ?? 0n }));
}
