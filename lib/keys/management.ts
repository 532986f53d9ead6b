import "server-only";
import { AppError } from "@/lib/errors";
import { findModel, MODELS } from "@/lib/models";
import type { CapPeriod } from "./limits";
import type { ResolvedKey } from "./resolve";

// Who manages keys, and the rules that keep a management key from escalating. A request comes
// from a signed-in person (a session: no limits beyond the account's) or from a management key
// (Authorization: Bearer). A management key may create and edit only keys it could itself be
// trusted with: never a management key, and, when it has a cap, only capped keys whose cap is
// at most its own over a period no longer than its own; when it has an allowlist, only keys
// whose allowlist is part of it; when it expires, only keys that expire by then. It may revoke any key of its account (that only removes power)
// and roll itself or a key it could have created (a roll hands out the new secret).

export type KeyActor = { kind: "session" } | { kind: "key"; key: ResolvedKey };

export const SESSION_ACTOR: KeyActor = { kind: "session" };

const PERIOD_RANK: Record<CapPeriod, number> = { day: 0, week: 1, month: 2 };

/** The allowlist as stored: null for every model; unknown ids are refused, duplicates dropped. */
export function normalizeModels(models: string[] | null | undefined): string[] | null {
  if (models === null || models === undefined || models.length === 0) return null;
  const unknown = models.filter((m) => !findModel(m));
  if (unknown.length > 0)
    throw new AppError(
      "invalid_request",
      `models: unknown model ${unknown.map((m) => JSON.stringify(m)).join(", ")}. Known: ${MODELS.map((m) => m.id).join(", ")}.`,
    );
  return [...new Set(models)];
}

export interface KeyPowers {
  spendCapMicro: bigint | null;
  capPeriod: CapPeriod;
  models: string[] | null;
  canManageKeys: boolean;
  /** When the key stops working; null = never. Absent: not being set (an edit). */
  expiresAt?: Date | null;
}

const forbidden = (message: string) => new AppError("forbidden", message);

/** Throws 403 forbidden unless a key with `powers` is within what `actor` may hand out. */
export function checkWithinActor(actor: KeyActor, powers: KeyPowers): void {
  if (actor.kind === "session") return;
  const own = actor.key;
  if (powers.canManageKeys) throw forbidden("A management key cannot create or change management keys.");
  if (own.spendCapMicro !== null) {
    if (powers.spendCapMicro === null)
      throw forbidden("This management key has a spend cap, so every key it creates needs one too.");
    if (PERIOD_RANK[powers.capPeriod] > PERIOD_RANK[own.capPeriod] || powers.spendCapMicro > own.spendCapMicro)
      throw forbidden(
        `The cap must be at most this management key's own (${own.spendCapMicro} micro-USD per ${own.capPeriod}), over the same or a shorter period.`,
      );
  }
  const ownEnd = own.expiresAt;
  if (
    ownEnd !== null &&
    powers.expiresAt !== undefined &&
    (powers.expiresAt === null || powers.expiresAt.getTime() > ownEnd)
  )
    throw forbidden(
      `This management key expires at ${new Date(ownEnd).toISOString()}; the keys it creates must expire by then.`,
    );
  if (own.models !== null) {
    const outside = powers.models === null ? ["every model"] : powers.models.filter((m) => !own.models!.includes(m));
    if (outside.length > 0)
      throw forbidden(`This management key may only hand out these models: ${own.models.join(", ")}.`);
  }
}

/** A management key may edit any key within its limits, but never a management key (itself included). */
export function checkEditTarget(actor: KeyActor, target: { canManageKeys: boolean }): void {
  if (actor.kind === "key" && target.canManageKeys)
    throw forbidden("A management key cannot change management keys, itself included.");
}
