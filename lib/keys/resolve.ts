import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { LruCache } from "./cache";
import { hashApiKey, parseApiKey } from "./format";

export interface ResolvedKey {
  keyId: string;
  accountId: string;
  name: string;
  expiresAt: number | null;
  revokedAt: number | null;
  spendCapMicro: bigint | null;
}

type CacheValue = ResolvedKey | "unknown";

export const KEY_INVALIDATION_CHANNEL = "solrouter_key_changed";

const KEY = Symbol.for("solrouter.key-cache");
interface State {
  cache: LruCache<string, CacheValue>;
  listening?: Promise<void>;
}

function state(): State {
  const g = globalThis as { [KEY]?: State };
  return (g[KEY] ??= { cache: new LruCache<string, CacheValue>({ maxEntries: 20_000, ttlMs: 30_000 }) });
}

/** Drops a key from this instance's cache at once and tells every other instance to do the same. */
export async function invalidateKey(keyId: string): Promise<void> {
  dropLocal(keyId);
  const db = await getDb();
  await db.notify(KEY_INVALIDATION_CHANNEL, keyId);
}

function dropLocal(keyId: string) {
  state().cache.deleteWhere((v) => v !== "unknown" && v.keyId === keyId);
}

/** Subscribes this instance to invalidations from others (PostgreSQL LISTEN; in-process on PGlite). */
export function listenForKeyInvalidations(): Promise<void> {
  const s = state();
  s.listening ??= (async () => {
    const db = await getDb();
    await db.listen(KEY_INVALIDATION_CHANNEL, (keyId) => dropLocal(keyId));
  })().catch((err) => {
    s.listening = undefined;
    throw err;
  });
  return s.listening;
}

/** Tests swap databases between suites; the cache must not outlive the database it mirrors. */
export function resetKeyCache() {
  const s = state();
  s.cache.clear();
  s.listening = undefined;
}

/**
 * Resolves `Authorization: Bearer sk_solrouter_…` to its key. Shape and checksum are checked
 * before any database access; verified keys are served from memory afterwards.
 */
export async function resolveApiKey(secret: string, now = Date.now()): Promise<ResolvedKey> {
  const parsed = parseApiKey(secret);
  if (!parsed.ok) throw new AppError("invalid_api_key", "The API key is not valid.");
  const hash = hashApiKey(parsed.secret);
  const s = state();
  let found = s.cache.get(hash);
  if (found === undefined) {
    void listenForKeyInvalidations().catch(() => {});
    found = await loadKey(hash);
    s.cache.set(hash, found);
  }
  if (found === "unknown") throw new AppError("invalid_api_key", "The API key is not valid.");
  if (found.revokedAt !== null && found.revokedAt <= now) throw new AppError("revoked_api_key", "This API key has been revoked.");
  if (found.expiresAt !== null && found.expiresAt <= now) throw new AppError("expired_api_key", "This API key has expired.");
  return found;
}

async function loadKey(hash: string): Promise<CacheValue> {
  const db = await getDb();
  const [row] = await db.query<{
    id: string;
    account_id: string;
    name: string;
    expires_at: Date | string | null;
    revoked_at: Date | string | null;
    spend_cap_micro: string | null;
  }>("SELECT id, account_id, name, expires_at, revoked_at, spend_cap_micro FROM api_keys WHERE key_hash = $1", [hash]);
  if (!row) return "unknown";
  return {
    keyId: row.id,
    accountId: row.account_id,
    name: row.name,
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).getTime(),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).getTime(),
    spendCapMicro: row.spend_cap_micro === null ? null : BigInt(row.spend_cap_micro),
  };
}
