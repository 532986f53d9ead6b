import "server-only";
import { getDb, type Queryable } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { generateApiKey } from "./format";
import { ACTIVE_KEYS_SQL, COLUMNS, notFound, toView, UUID, type ApiKeyView, type KeyRow, type KeyStatus } from "./key-view";
import { KEY_NAME_MAX, MAX_ACTIVE_KEYS, MAX_SPEND_CAP_MICRO, ROLL_GRACE_SECONDS, type RollGraceSeconds } from "./limits";
import { normalizeKeyName } from "./names";
import { invalidateKey } from "./resolve";
import { revokeKeyCapHolds } from "@/lib/gateway/hold-stores";
import { recordActivity, type RequestOrigin } from "@/lib/activity/events";

// Dashboard-side key management. Every query is scoped by account; the secret leaves this
// module exactly once (from create/roll) and is never stored or listed.

export { MAX_ACTIVE_KEYS, KEY_NAME_MAX, ROLL_GRACE_SECONDS, MAX_SPEND_CAP_MICRO, type RollGraceSeconds };
export { normalizeKeyName };
export type { ApiKeyView, KeyStatus };

function checkSpendCap(cap: bigint | null | undefined) {
  if (cap === null || cap === undefined) return;
  if (cap <= 0n || cap > MAX_SPEND_CAP_MICRO) throw new AppError("invalid_request", "spendCapMicro: must be a positive amount of at most $1,000,000,000.");
}

export interface CreateKeyInput {
  name: string;
  expiresAt?: Date | null;
  spendCapMicro?: bigint | null;
}

export async function createKey(
  accountId: string,
  input: CreateKeyInput,
  now = new Date(),
  origin: RequestOrigin = {},
): Promise<{ key: ApiKeyView; secret: string }> {
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
    const [active] = await tx.query<{ n: number | string }>(ACTIVE_KEYS_SQL, [accountId, now]);
    if (Number(active?.n ?? 0) >= MAX_ACTIVE_KEYS) {
      throw new AppError("too_many_keys", `An account can have at most ${MAX_ACTIVE_KEYS} active keys. Revoke one you no longer use first.`);
    }
    const [inserted] = await tx.query<KeyRow>(
      `INSERT INTO api_keys (account_id, name, key_hash, start, created_at, expires_at, spend_cap_micro)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${COLUMNS}`,
      [accountId, name, generated.hash, generated.start, now, expiresAt, input.spendCapMicro?.toString() ?? null],
    );
    await recordActivity(tx, { accountId, kind: "key_created", ...origin, details: { keyId: inserted!.id, name } });
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

/**
 * This UTC month's spend of each line of rolled keys, keyed by the key whose cap it counts
 * against (a key's own id, or its `cap_key_id` once rolled), in one query.
 */
export async function monthSpendByCapKey(accountId: string, now = new Date(), q?: Queryable): Promise<Map<string, bigint>> {
  const db = q ?? (await getDb());
  const rows = await db.query<{ cap_key_id: string; spent: string | bigint }>(
    // A month starts on the hour, so the hourly rollup answers exactly (and in a few thousand rows).
    `SELECT COALESCE(k.cap_key_id, k.id) AS cap_key_id, COALESCE(sum(u.cost_micro), 0) AS spent
     FROM usage_hourly u JOIN api_keys k ON k.id = u.key_id AND k.account_id = u.account_id
     WHERE u.account_id = $1 AND u.key_id IS NOT NULL AND u.hour >= $2 GROUP BY 1`,
    [accountId, startOfUtcMonth(now)],
  );
  return new Map(rows.map((r) => [r.cap_key_id, BigInt(r.spent)]));
}

/** Revokes at once; repeating it is harmless (the first revocation time is kept). */
export async function revokeKey(accountId: string, id: string, now = new Date(), origin: RequestOrigin = {}): Promise<ApiKeyView> {
  if (!UUID.test(id)) throw notFound();
  const db = await getDb();
  const [row] = await db.transaction(async (tx) => {
    // Only the first revocation is an event; the lock makes that decision race-free.
    const [was] = await tx.query<{ revoked_at: Date | null }>("SELECT revoked_at FROM api_keys WHERE id = $1 AND account_id = $2 FOR UPDATE", [id, accountId]);
    const rows = await tx.query<KeyRow>(
      `UPDATE api_keys SET revoked_at = COALESCE(revoked_at, $3) WHERE id = $1 AND account_id = $2 RETURNING ${COLUMNS}`,
      [id, accountId, now],
    );
    if (rows[0] && was && !was.revoked_at) await recordActivity(tx, { accountId, kind: "key_revoked", ...origin, details: { keyId: id, name: rows[0].name } });
    return rows;
  });
  if (!row) throw notFound();
  // Also on a repeat: if the first notify failed after the commit, retrying the revoke fixes it.
  await invalidateKey(row.id);
  return toView(row, now);
}

function rolledCap(): AppError {
  return new AppError("invalid_request", "spendCapMicro: this key was rolled and its calls count against its replacement's cap. Change the cap there.");
}

export interface UpdateKeyInput {
  name?: string;
  /** null removes the cap. */
  spendCapMicro?: bigint | null;
}

export async function updateKey(accountId: string, id: string, input: UpdateKeyInput, now = new Date(), origin: RequestOrigin = {}): Promise<ApiKeyView> {
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
  // A rolled key's calls count against its replacement's cap; its own is no longer used.
  const capChange = input.spendCapMicro !== undefined ? " AND cap_key_id IS NULL" : "";
  const [row] = sets.length
    ? await db.transaction(async (tx) => {
        const [old] = await tx.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1 AND account_id = $2 FOR UPDATE`, [id, accountId]);
        const rows = await tx.query<KeyRow>(`UPDATE api_keys SET ${sets.join(", ")} WHERE id = $1 AND account_id = $2${capChange} RETURNING ${COLUMNS}`, params);
        if (old && rows[0]) await recordActivity(tx, { accountId, kind: "key_edited", ...origin, details: editDetails(old, rows[0]) });
        // A new cap binds at once: gateway instances lose the cap holds taken under the old one.
        if (rows[0] && input.spendCapMicro !== undefined) await revokeKeyCapHolds(tx, rows[0].id);
        return rows;
      })
    : await db.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1 AND account_id = $2`, params);
  if (!row) {
    const exists = capChange && (await db.query("SELECT 1 FROM api_keys WHERE id = $1 AND account_id = $2", [id, accountId])).length > 0;
    throw exists ? rolledCap() : notFound();
  }
  // Resolved keys carry their name and cap; other instances must not keep serving the old ones.
  if (sets.length) await invalidateKey(row.id);
  return toView(row, now);
}

/** What an edit changed: the name and/or the cap, old and new (micro-USD as strings, null = no cap). */
function editDetails(old: KeyRow, now: KeyRow): Record<string, string | null> {
  const d: Record<string, string | null> = { keyId: now.id, name: now.name };
  if (old.name !== now.name) d.oldName = old.name;
  const cap = (v: unknown) => (v === null || v === undefined ? null : String(v));
  if (cap(old.spend_cap_micro) !== cap(now.spend_cap_micro)) {
    d.oldCapMicro = cap(old.spend_cap_micro);
    d.newCapMicro = cap(now.spend_cap_micro);
  }
  return d;
}

/**
 * The key list for the dashboard, each with this UTC month's spend against its cap: a key's own
 * spend plus that of the keys it replaced by rolls. A key in its grace shows its replacement's
 * cap and spend (`capKeyId`), since its calls count against them.
 */
export async function listKeysWithMonthSpend(accountId: string, now = new Date()): Promise<(ApiKeyView & { monthSpendMicro: bigint })[]> {
  const [keys, spend] = await Promise.all([listKeys(accountId, now), monthSpendByCapKey(accountId, now)]);
  return keys.map((k) => ({ ...k, monthSpendMicro: spend.get(k.capKeyId ?? k.id) ?? 0n }));
}
