import "server-only";
import { AppError } from "@/lib/errors";

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
}

/** Columns of a KeyRow, valid in SELECT … FROM api_keys and in RETURNING of INSERT/UPDATE api_keys. */
export const COLUMNS = `id, name, start, created_at, last_used_at, expires_at, revoked_at, replaced_by, cap_key_id,
  CASE WHEN cap_key_id IS NULL THEN spend_cap_micro
       ELSE (SELECT c.spend_cap_micro FROM api_keys c WHERE c.id = api_keys.cap_key_id) END AS spend_cap_micro`;

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
    replacedBy: r.replaced_by,
    capKeyId: r.cap_key_id,
    status,
  };
}

export function notFound(): AppError {
  return new AppError("not_found", "No such key.");
}

/** Keys that are neither revoked nor expired at $2, for account $1 (keys in a roll's grace count). */
export const ACTIVE_KEYS_SQL = `SELECT count(*)::int AS n FROM api_keys
  WHERE account_id = $1 AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > $2)`;
