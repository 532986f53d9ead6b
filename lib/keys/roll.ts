import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { generateApiKey } from "./format";
import { ACTIVE_KEYS_SQL, COLUMNS, notFound, toView, UUID, type ApiKeyView, type KeyRow } from "./key-view";
import { MAX_ACTIVE_KEYS, ROLL_GRACE_SECONDS, type RollGraceSeconds } from "./limits";
import { cleanStoredKeyName } from "./names";
import { invalidateKey } from "./resolve";
import { recordActivity, type RequestOrigin } from "@/lib/activity/events";

/**
 * Replaces a key with a new one (same name, expiry and spend cap); the old one expires after
 * the grace period. Only a key that is active and not already rolled can be rolled: a revoked,
 * expired or replaced key answers 400 invalid_request.
 *
 * The cap and the month's spend move to the new key: it starts with the old key's period spend,
 * and the old key's calls during the grace (and those of any key it had replaced) count against
 * the new key's cap (`cap_key_id`). So one line of rolled keys has one cap, however often it
 * is rolled.
 *
 * Calls already reserved on the old key's own cap when the roll commits still settle against
 * it: the new key's cap does not see them (at most the calls in flight at that moment). Every
 * call reserved after it (the roll invalidates the resolver caches) counts against the new one.
 *
 * A key in its grace period is active, so it counts toward the active-key limit. A roll without
 * grace replaces one key with one and is always allowed, because replacing a leaked key must
 * never be blocked; a roll with grace adds an active key until the grace ends, so at the limit
 * it answers 409 too_many_keys.
 */
export async function rollKey(
  accountId: string,
  id: string,
  graceSeconds: RollGraceSeconds,
  now = new Date(),
  origin: RequestOrigin = {},
): Promise<{ key: ApiKeyView; secret: string; replaced: ApiKeyView }> {
  if (!(ROLL_GRACE_SECONDS as readonly number[]).includes(graceSeconds)) {
    throw new AppError("invalid_request", "graceSeconds: must be 0, 3600 or 86400.");
  }
  if (!UUID.test(id)) throw notFound();
  const db = await getDb();
  const generated = generateApiKey();
  const graceEnd = new Date(now.getTime() + graceSeconds * 1000);
  const { fresh, replaced } = await db.transaction(async (tx) => {
    // The account lock serializes rolls with creates (and each other), so the count below cannot
    // go stale; it also makes two concurrent rolls of one key produce one replacement.
    const [account] = await tx.query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE", [accountId]);
    if (!account) throw notFound();
    const [old] = await tx.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys WHERE id = $1 AND account_id = $2`, [id, accountId]);
    if (!old) throw notFound();
    const view = toView(old, now);
    if (view.status === "revoked") throw new AppError("invalid_request", "This key has been revoked. Create a new key instead.");
    if (view.status === "expired") throw new AppError("invalid_request", "This key has expired. Create a new key instead.");
    if (view.replacedBy) throw new AppError("invalid_request", "This key was already rolled. Roll its replacement instead.");
    if (graceSeconds > 0) {
      const [active] = await tx.query<{ n: number | string }>(ACTIVE_KEYS_SQL, [accountId, now]);
      if (Number(active?.n ?? 0) >= MAX_ACTIVE_KEYS) {
        throw new AppError(
          "too_many_keys",
          `An account can have at most ${MAX_ACTIVE_KEYS} active keys, and a key in its grace period counts until it expires. Roll without a grace period, or revoke a key first.`,
        );
      }
    }
    // The old key is not rolled, so its own cap is the one in force; its period spend moves along.
    const [fresh] = await tx.query<KeyRow>(
      `INSERT INTO api_keys (account_id, name, key_hash, start, created_at, expires_at, spend_cap_micro, period_start, period_spend_micro)
       SELECT account_id, $2, $3, $4, $5, expires_at, spend_cap_micro, period_start, period_spend_micro FROM api_keys WHERE id = $1
       RETURNING ${COLUMNS}`,
      [id, cleanStoredKeyName(old.name), generated.hash, generated.start, now],
    );
    // Keys this one replaced earlier (maybe still in their grace) now count against the new key.
    await tx.query("UPDATE api_keys SET cap_key_id = $3 WHERE account_id = $1 AND cap_key_id = $2", [accountId, id, fresh!.id]);
    const [replaced] = await tx.query<KeyRow>(
      `UPDATE api_keys SET replaced_by = $3, cap_key_id = $3, expires_at = LEAST(COALESCE(expires_at, $4), $4)
       WHERE id = $1 AND account_id = $2 RETURNING ${COLUMNS}`,
      [id, accountId, fresh!.id, graceEnd],
    );
    await recordActivity(tx, { accountId, kind: "key_rolled", ...origin, details: { keyId: id, newKeyId: fresh!.id, name: fresh!.name, graceSeconds } });
    return { fresh: fresh!, replaced: replaced! };
  });
  // Also drops every cached key whose cap was this one (see KeyResolver.invalidate).
  await invalidateKey(replaced.id);
  return { key: toView(fresh, now), secret: generated.secret, replaced: toView(replaced, now) };
}
