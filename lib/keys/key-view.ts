import "server-only";
import { AppError } from "@/lib/errors";
import type { CapPeriod } from "./cap-holds";

// How a stored key row becomes what the dashboard sees; shared by store.ts and roll.ts.

export type KeyStatus = "active" | "expired" | "revoked";

export interface ApiKeyView {
  id: string;
  name: string;
  start: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
  /** The monthly cap this key's calls count against: for a rolled key, its replacement's. */
  spendCapMicro: bigint | null;
  /** The UTC calendar period that cap counts over. */
  capPeriod: CapPeriod;
  /** The cap with its period; null: no cap. */
  spendCap: { micro: bigint; period: CapPeriod } | null;
  /** Catalogue ids it may call; null = every model. */
  models: string[] | null;
  /** A management key: may manage keys, top-ups and read usage with Authorization: Bearer. */
  canManageKeys: boolean;
  /** Whether it may call models (false only for a management key created without canCallModels). */
  canCallModels: boolean;
  /** Set once the key was rolled: the id of the key that replaces it. */
  replacedBy: string | null;
  /** Set once the key was rolled: the key whose cap and month spend its calls count against. */
  capKeyId: string | null;
  status: KeyStatus;
}

export interface KeyRow {
  id: string;
  name: string;
  start: string;
  created_at: Date | string;
  last_used_at: Date | string | null;
  expires_at: Date | string | null;
  revoked_at: Date | string | null;
  spend_cap_micro: string | bigint | null;
  replaced_by: string | null;
  cap_key_id: string | null;
  cap_period: CapPeriod;
  models: string[] | null;
  can_manage_keys: boolean;
  can_call_models: boolean;
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const date = (v: Date | string | null) => (v === null ? null : new Date(v));

export function toView(r: KeyRow, now: Date): ApiKeyView {
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
    capPeriod: r.cap_period,
    spendCap: r.spend_cap_micro === null ? null : { micro: BigInt(r.spend_cap_micro), period: r.cap_period },
    models: r.models,
    canManageKeys: r.can_manage_keys,
    canCallModels: r.can_call_models,
    replacedBy: r.replaced_by,
    capKeyId: r.cap_key_id,
    status,
  };
}

export function notFound(): AppError {
  return new AppError("not_found", "No such key.");
}
