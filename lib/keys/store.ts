import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { generateApiKey } from "./format";
import { notFound, toView, UUID, type ApiKeyView, type KeyRow, type KeyStatus } from "./key-view";
import {
  countActiveKeys,
  findKey,
  insertKey,
  keyExists,
  listKeyRows,
  revokeKeyRow,
  setPeriodSpend,
  updateKeyRow,
  type KeyEdit,
} from "./key-rows";
import { lockAccount } from "@/lib/billing/accounts-store";
import {
  KEY_NAME_MAX,
  MAX_ACTIVE_KEYS,
  MAX_SPEND_CAP_MICRO,
  ROLL_GRACE_SECONDS,
  type RollGraceSeconds,
} from "./limits";
import { normalizeKeyName } from "./names";
import { invalidateKey } from "./resolve";
import { revokeKeyCapHolds } from "@/lib/gateway/hold-stores";
import { recordActivity, type RequestOrigin } from "@/lib/activity/events";
import { periodStarts } from "./cap-holds";
import { lineSpendSince, monthSpendByCapKey, periodSpendByCapKey } from "./line-spend";
import type { CapPeriod } from "./limits";
import { checkEditTarget, checkWithinActor, normalizeModels, SESSION_ACTOR, type KeyActor } from "./management";

// Dashboard-side key management; the SQL is in key-rows.ts, the owner of api_keys. Every query is
// scoped by account; the secret leaves this module exactly once (from create/roll) and is never
// stored or listed.

export { MAX_ACTIVE_KEYS, KEY_NAME_MAX, ROLL_GRACE_SECONDS, MAX_SPEND_CAP_MICRO, type RollGraceSeconds };
export { normalizeKeyName };
export type { ApiKeyView, KeyStatus };

function checkSpendCap(cap: bigint | null | undefined) {
  if (cap === null || cap === undefined) return;
  if (cap <= 0n || cap > MAX_SPEND_CAP_MICRO)
    throw new AppError("invalid_request", "spendCapMicro: must be a positive amount of at most $1,000,000,000.");
}

type CapInput = { micro: bigint; period: CapPeriod } | null;

/** One cap from either field: spendCap, or the older spendCapMicro (a monthly cap). */
function capOf(input: { spendCapMicro?: bigint | null; spendCap?: CapInput }): CapInput | undefined {
  if (input.spendCap !== undefined && input.spendCapMicro !== undefined)
    throw new AppError("invalid_request", "Give spendCap or spendCapMicro, not both.");
  if (input.spendCap !== undefined) return input.spendCap;
  if (input.spendCapMicro === undefined) return undefined;
  return input.spendCapMicro === null ? null : { micro: input.spendCapMicro, period: "month" };
}

export interface CreateKeyInput {
  name: string;
  expiresAt?: Date | null;
  /** A monthly cap (the older field); spendCap says the period. */
  spendCapMicro?: bigint | null;
  spendCap?: CapInput;
  /** Empty or null: every model. */
  models?: string[] | null;
  canManageKeys?: boolean;
  /** Only with canManageKeys (default false there); every other key may call models. */
  canCallModels?: boolean;
}

export async function createKey(
  accountId: string,
  input: CreateKeyInput,
  now = new Date(),
  origin: RequestOrigin = {},
  actor: KeyActor = SESSION_ACTOR,
): Promise<{ key: ApiKeyView; secret: string }> {
  const name = normalizeKeyName(input.name);
  const expiresAt = input.expiresAt ?? null;
  if (expiresAt !== null && !(expiresAt.getTime() > now.getTime()))
    throw new AppError("invalid_request", "expiresAt: must be in the future.");
  const cap = capOf(input) ?? null;
  checkSpendCap(cap?.micro);
  const models = normalizeModels(input.models);
  const canManageKeys = input.canManageKeys === true;
  if (!canManageKeys && input.canCallModels === false)
    throw new AppError(
      "invalid_request",
      "canCallModels: only a management key (canManageKeys) can be kept from calling models.",
    );
  const canCallModels = canManageKeys ? input.canCallModels === true : true;
  checkWithinActor(actor, {
    spendCapMicro: cap?.micro ?? null,
    capPeriod: cap?.period ?? "month",
    models,
    canManageKeys,
    expiresAt,
  });
  const db = await getDb();
  const generated = generateApiKey();
  const row = await db.transaction(async (tx) => {
    // The account row lock serializes concurrent creates, so the count below cannot go stale.
    if (!(await lockAccount(tx, accountId))) throw new AppError("not_found", "Account not found.");
    if ((await countActiveKeys(tx, accountId, now)) >= MAX_ACTIVE_KEYS) {
      throw new AppError(
        "too_many_keys",
        `An account can have at most ${MAX_ACTIVE_KEYS} active keys. Revoke one you no longer use first.`,
      );
    }
    const inserted = await insertKey(tx, {
      accountId,
      name,
      hash: generated.hash,
      start: generated.start,
      now,
      expiresAt,
      spendCapMicro: cap?.micro ?? null,
      capPeriod: cap?.period ?? "month",
      models,
      canManageKeys,
      canCallModels,
    });
    await recordActivity(tx, {
      accountId,
      kind: "key_created",
      ...origin,
      details: { keyId: inserted.id, name, ...(canManageKeys ? { canManageKeys } : {}) },
    });
    return inserted;
  });
  return { key: toView(row, now), secret: generated.secret };
}

/** Newest first; includes revoked and expired keys so the history stays visible. */
export async function listKeys(accountId: string, now = new Date()): Promise<ApiKeyView[]> {
  const rows = await listKeyRows(await getDb(), accountId);
  return rows.map((r) => toView(r, now));
}

/** Revokes at once; repeating it is harmless (the first revocation time is kept). Any key of the
 * account may be revoked by the session or by any of its management keys (a kill switch needs
 * no limits), so there is no actor to check; `origin.byKeyId` records who did it. */
export async function revokeKey(
  accountId: string,
  id: string,
  now = new Date(),
  origin: RequestOrigin = {},
): Promise<ApiKeyView> {
  if (!UUID.test(id)) throw notFound();
  const db = await getDb();
  const row = await db.transaction(async (tx) => {
    // Only the first revocation is an event; the lock makes that decision race-free.
    const was = await findKey(tx, accountId, id, true);
    const revoked = await revokeKeyRow(tx, accountId, id, now);
    if (revoked && was && !was.revoked_at)
      await recordActivity(tx, {
        accountId,
        kind: "key_revoked",
        ...origin,
        details: { keyId: id, name: revoked.name },
      });
    return revoked;
  });
  if (!row) throw notFound();
  // Also on a repeat: if the first notify failed after the commit, retrying the revoke fixes it.
  await invalidateKey(row.id);
  return toView(row, now);
}

function rolledCap(): AppError {
  return new AppError(
    "invalid_request",
    "spendCapMicro: this key was rolled and its calls count against its replacement's cap. Change the cap there.",
  );
}

export interface UpdateKeyInput {
  name?: string;
  /** A monthly cap (the older field); null removes the cap. */
  spendCapMicro?: bigint | null;
  /** The cap and its period; null removes the cap. */
  spendCap?: CapInput;
  /** Empty or null: every model. */
  models?: string[] | null;
}

export async function updateKey(
  accountId: string,
  id: string,
  input: UpdateKeyInput,
  now = new Date(),
  origin: RequestOrigin = {},
  actor: KeyActor = SESSION_ACTOR,
): Promise<ApiKeyView> {
  if (!UUID.test(id)) throw notFound();
  const edit: KeyEdit = {};
  if (input.name !== undefined) edit.name = normalizeKeyName(input.name);
  const cap = capOf(input);
  if (cap !== undefined) {
    checkSpendCap(cap?.micro);
    edit.spendCapMicro = cap?.micro ?? null;
    if (cap) edit.capPeriod = cap.period;
  }
  if (input.models !== undefined) edit.models = normalizeModels(input.models);
  const changes = Object.keys(edit).length > 0;
  const db = await getDb();
  const row = changes
    ? await db.transaction(async (tx) => {
        const old = await findKey(tx, accountId, id, true);
        if (old && actor.kind === "key") {
          checkEditTarget(actor, { canManageKeys: old.can_manage_keys });
          if (cap !== undefined || edit.models !== undefined)
            checkWithinActor(actor, {
              spendCapMicro: cap === undefined ? nullableBig(old.spend_cap_micro) : (cap?.micro ?? null),
              capPeriod: cap ? cap.period : old.cap_period,
              models: edit.models !== undefined ? edit.models : old.models,
              canManageKeys: false,
            });
        }
        const edited = await updateKeyRow(tx, accountId, id, edit);
        // The period count so far was kept for the old period: recount the new one from usage
        // (the key is locked, so no settlement of its calls interleaves).
        if (old && edited && edited.cap_period !== old.cap_period) {
          const start = periodStarts(now)[edited.cap_period];
          const spent = await lineSpendSince(tx, accountId, edited.id, new Date(`${start}T00:00:00Z`));
          await setPeriodSpend(tx, edited.id, start, spent);
        }
        if (old && edited)
          await recordActivity(tx, {
            accountId,
            kind: "key_edited",
            ...origin,
            details: editDetails(old, edited),
          });
        // A new cap or period binds at once: gateway instances lose the cap holds taken under the old one.
        if (edited && cap !== undefined) await revokeKeyCapHolds(tx, edited.id);
        return edited;
      })
    : await findKey(db, accountId, id);
  if (!row) {
    // A rolled key's calls count against its replacement's cap; its own is no longer used.
    const exists = cap !== undefined && (await keyExists(db, accountId, id));
    throw exists ? rolledCap() : notFound();
  }
  // Resolved keys carry their name and cap; other instances must not keep serving the old ones.
  if (changes) await invalidateKey(row.id);
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
  if (old.cap_period !== now.cap_period) {
    d.oldCapPeriod = old.cap_period;
    d.newCapPeriod = now.cap_period;
  }
  const models = (m: string[] | null) => (m === null ? null : m.join(","));
  if (models(old.models) !== models(now.models)) {
    d.oldModels = models(old.models);
    d.newModels = models(now.models);
  }
  return d;
}

const nullableBig = (v: string | bigint | null) => (v === null ? null : BigInt(v));

/**
 * The key list for the dashboard, each with this UTC month's spend against its cap: a key's own
 * spend plus that of the keys it replaced by rolls. A key in its grace shows its replacement's
 * cap and spend (`capKeyId`), since its calls count against them.
 */
export async function listKeysWithMonthSpend(
  accountId: string,
  now = new Date(),
): Promise<(ApiKeyView & { monthSpendMicro: bigint; periodSpendMicro: bigint })[]> {
  const [keys, spend] = await Promise.all([listKeys(accountId, now), monthSpendByCapKey(accountId, now)]);
  const byPeriod = await periodSpendByCapKey(accountId, keys, now);
  return keys.map((k) => {
    const line = k.capKeyId ?? k.id;
    const monthSpendMicro = spend.get(line) ?? 0n;
    const periodSpendMicro = k.capPeriod === "month" ? monthSpendMicro : (byPeriod.get(k.capPeriod)?.get(line) ?? 0n);
    return { ...k, monthSpendMicro, periodSpendMicro };
  });
}
