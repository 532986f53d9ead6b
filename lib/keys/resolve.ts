import "server-only";
import { getDb, type DbHandle } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { ensurePart } from "@/lib/runtime";
import { LruCache, type LruCacheOptions } from "./cache";
import { hashApiKey, parseApiKey } from "./format";
import { findKeyByHash } from "./key-rows";
import type { CapPeriod } from "./cap-holds";

export interface ResolvedKey {
  keyId: string;
  accountId: string;
  name: string;
  expiresAt: number | null;
  revokedAt: number | null;
  /**
   * The key whose monthly cap and period spend this key's calls count against: the key itself,
   * or, once it was rolled, the newest key of its line (so old and new keys share one cap).
   */
  capKeyId: string;
  /** That key's cap. */
  spendCapMicro: bigint | null;
  /** The UTC calendar period of that cap. */
  capPeriod: CapPeriod;
  /** Catalogue ids this key may call; null = every model. */
  models: string[] | null;
  /** A management key (lib/keys/management.ts). */
  canManageKeys: boolean;
  canCallModels: boolean;
}

type CacheValue = ResolvedKey | "unknown";

export const KEY_INVALIDATION_CHANNEL = "solrouter_key_changed";

/** What a resolver remembers; kept apart from its methods so that copies of this module can share it. */
export interface KeyResolverState {
  cache: LruCache<string, CacheValue>;
  // Bumped by every invalidation: a load that was in flight when one arrived may have read the
  // old row, so its result must not be cached.
  epoch: number;
  listening?: Promise<void>;
  unlisten?: () => Promise<void>;
}

export function newKeyResolverState(
  cacheOptions: LruCacheOptions = { maxEntries: 20_000, ttlMs: 30_000 },
): KeyResolverState {
  return { cache: new LruCache<string, CacheValue>(cacheOptions), epoch: 0 };
}

/**
 * A key cache bound to one database handle. The process normally has one (the default, on
 * getDb()); tests build a second one on another handle to play a second server instance.
 */
export class KeyResolver {
  constructor(
    private readonly db: () => Promise<DbHandle>,
    private readonly s: KeyResolverState = newKeyResolverState(),
  ) {}

  /**
   * Drops a key from this instance's cache at once and tells every other instance to do the
   * same; keys whose cap is this key's go too (they carry its cap).
   */
  async invalidate(keyId: string): Promise<void> {
    this.dropLocal(keyId);
    await (await this.db()).notify(KEY_INVALIDATION_CHANNEL, keyId);
  }

  private dropAll() {
    this.s.epoch++;
    this.s.cache.clear();
  }

  private dropLocal(keyId: string) {
    this.s.epoch++;
    this.s.cache.deleteWhere((v) => v !== "unknown" && (v.keyId === keyId || v.capKeyId === keyId));
  }

  /** Subscribes to invalidations from other instances (PostgreSQL LISTEN; in-process on PGlite). */
  listen(): Promise<void> {
    const s = this.s;
    s.listening ??= (async () => {
      const db = await this.db();
      // Revocations sent while the subscription was down are lost: forget every cached key then.
      s.unlisten = await db.listen(
        KEY_INVALIDATION_CHANNEL,
        (keyId) => this.dropLocal(keyId),
        () => this.dropAll(),
      );
    })().catch((err) => {
      s.listening = undefined;
      throw err;
    });
    return s.listening;
  }

  /** Forgets everything and stops listening (the database it mirrored is going away). */
  async reset(): Promise<void> {
    const s = this.s;
    const unlisten = s.unlisten;
    s.cache.clear();
    s.epoch++;
    s.listening = undefined;
    s.unlisten = undefined;
    await unlisten?.().catch(() => {});
  }

  /**
   * Resolves `Authorization: Bearer sk_solrouter_…` to its key. Shape and checksum are checked
   * before any database access; verified keys are served from memory afterwards.
   */
  async resolve(secret: string, now = Date.now()): Promise<ResolvedKey> {
    const parsed = parseApiKey(secret);
    if (!parsed.ok) throw new AppError("invalid_api_key", "The API key is not valid.");
    const hash = hashApiKey(parsed.secret);
    const s = this.s;
    let found = s.cache.get(hash);
    if (found === undefined) {
      void this.listen().catch(() => {});
      const epoch = s.epoch;
      found = await loadKey(await this.db(), hash);
      if (epoch === s.epoch) s.cache.set(hash, found);
    }
    if (found === "unknown") throw new AppError("invalid_api_key", "The API key is not valid.");
    if (found.revokedAt !== null && found.revokedAt <= now)
      throw new AppError("revoked_api_key", "This API key has been revoked.");
    if (found.expiresAt !== null && found.expiresAt <= now)
      throw new AppError("expired_api_key", "This API key has expired.");
    return found;
  }
}

async function loadKey(db: DbHandle, hash: string): Promise<CacheValue> {
  const row = await findKeyByHash(db, hash);
  if (!row) return "unknown";
  return {
    keyId: row.id,
    accountId: row.account_id,
    name: row.name,
    expiresAt: row.expires_at === null ? null : new Date(row.expires_at).getTime(),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at).getTime(),
    capKeyId: row.cap_key_id,
    spendCapMicro: row.spend_cap_micro === null ? null : BigInt(row.spend_cap_micro),
    capPeriod: row.cap_period,
    models: row.models,
    canManageKeys: row.can_manage_keys,
    canCallModels: row.can_call_models,
  };
}

// The process-wide cache lives in the runtime container (lib/runtime.ts): Next may evaluate this
// module once per route bundle, and every copy must share one cache and one LISTEN connection.
// Only the state is shared, not a resolver object: errors must come from the calling bundle's own
// AppError class, or its `instanceof` check would fail and a 401 would turn into a 500.
let resolver: { state: KeyResolverState; resolver: KeyResolver } | undefined;

export function defaultKeyResolver(): KeyResolver {
  const state = ensurePart("keyResolver", () => newKeyResolverState(), stopListening);
  if (resolver?.state !== state) resolver = { state, resolver: new KeyResolver(getDb, state) };
  return resolver.resolver;
}

// resetRuntime() drops the state; only its LISTEN subscription needs closing.
async function stopListening(s: KeyResolverState): Promise<void> {
  s.cache.clear();
  s.epoch++;
  await s.unlisten?.().catch(() => {});
}

/** Drops a key from this instance's cache at once and tells every other instance to do the same. */
export function invalidateKey(keyId: string): Promise<void> {
  return defaultKeyResolver().invalidate(keyId);
}

export function listenForKeyInvalidations(): Promise<void> {
  return defaultKeyResolver().listen();
}

/** Tests swap databases between suites; the cache must not outlive the database it mirrors. */
export function resetKeyCache(): Promise<void> {
  return defaultKeyResolver().reset();
}

export function resolveApiKey(secret: string, now = Date.now()): Promise<ResolvedKey> {
  return defaultKeyResolver().resolve(secret, now);
}
