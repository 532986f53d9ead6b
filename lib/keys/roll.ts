import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { generateApiKey } from "./format";
import { notFound, toView, UUID, type ApiKeyView } from "./key-view";
import { countActiveKeys, findKey, insertRolledKey, markReplaced, moveCapLineage } from "./key-rows";
import { lockAccount } from "@/lib/billing/accounts-store";
import { MAX_ACTIVE_KEYS, ROLL_GRACE_MESSAGE, ROLL_GRACE_SECONDS, type RollGraceSeconds } from "./limits";
import { cleanStoredKeyName } from "./names";
import { invalidateKey } from "./resolve";
import { recordActivity, type RequestOrigin } from "@/lib/activity/events";
import { checkEditTarget, checkWithinActor, SESSION_ACTOR, type KeyActor } from "./management";

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
  actor: KeyActor = SESSION_ACTOR,
): Promise<{ key: ApiKeyView; secret: string; replaced: ApiKeyView }> {
  if (!(ROLL_GRACE_SECONDS as readonly number[]).includes(graceSeconds)) {
    throw new AppError("invalid_request", `graceSeconds: ${ROLL_GRACE_MESSAGE}.`);
  }
  if (!UUID.test(id)) throw notFound();
  const db = await getDb();
  const generated = generateApiKey();
  const graceEnd = new Date(now.getTime() + graceSeconds * 1000);
  const { fresh, replaced } = await db.transaction(async (tx) => {
    // The account lock serializes rolls with creates (and each other), so the count below cannot
    // go stale; it also makes two concurrent rolls of one key produce one replacement.
    if (!(await lockAccount(tx, accountId))) throw notFound();
    const old = await findKey(tx, accountId, id);
    if (!old) throw notFound();
    const view = toView(old, now);
    // A roll hands out the new secret: a management key may roll itself or a key it could create.
    if (actor.kind === "key" && actor.key.keyId !== id) {
      checkEditTarget(actor, view);
      checkWithinActor(actor, view);
    }
    if (view.status === "revoked")
      throw new AppError("invalid_request", "This key has been revoked. Create a new key instead.");
    if (view.status === "expired")
      throw new AppError("invalid_request", "This key has expired. Create a new key instead.");
    if (view.replacedBy)
      throw new AppError("invalid_request", "This key was already rolled. Roll its replacement instead.");
    if (graceSeconds > 0) {
      if ((await countActiveKeys(tx, accountId, now)) >= MAX_ACTIVE_KEYS) {
        throw new AppError(
          "too_many_keys",
          `An account can have at most ${MAX_ACTIVE_KEYS} active keys, and a key in its grace period counts until it expires. Roll without a grace period, or revoke a key first.`,
        );
      }
    }
    // The old key is not rolled, so its own cap is the one in force; its period spend moves along.
    const fresh = await insertRolledKey(tx, id, {
      name: cleanStoredKeyName(old.name),
      hash: generated.hash,
      start: generated.start,
      now,
    });
    // Keys this one replaced earlier (maybe still in their grace) now count against the new key.
    await moveCapLineage(tx, accountId, id, fresh.id);
    const replaced = await markReplaced(tx, accountId, id, fresh.id, graceEnd);
    await recordActivity(tx, {
      accountId,
      kind: "key_rolled",
      ...origin,
      details: { keyId: id, newKeyId: fresh.id, name: fresh.name, graceSeconds },
    });
    return { fresh, replaced };
  });
  // Also drops every cached key whose cap was this one (see KeyResolver.invalidate).
  await invalidateKey(replaced.id);
  return { key: toView(fresh, now), secret: generated.secret, replaced: toView(replaced, now) };
}
