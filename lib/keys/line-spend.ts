import "server-only";
import { getDb, type Queryable } from "@/lib/db";
import { spendByKeySince } from "@/lib/usage/store";
import { periodStarts } from "./cap-holds";
import type { ApiKeyView } from "./key-view";
import { capKeyOfEach } from "./key-rows";
import type { CapPeriod } from "./limits";

// What each line of rolled keys spent, from the usage store: this month's (every key shows it)
// and its cap period's (day and week only when some key counts over them). A line is a key and
// the keys it replaced by rolls; they share one cap (`cap_key_id`).

export function startOfUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/**
 * This UTC month's spend of each line of rolled keys, keyed by the key whose cap it counts
 * against (a key's own id, or its `cap_key_id` once rolled), in one query.
 */
export async function monthSpendByCapKey(
  accountId: string,
  now = new Date(),
  q?: Queryable,
): Promise<Map<string, bigint>> {
  const db = q ?? (await getDb());
  // A month starts on the hour, so the usage store answers from its hourly rollup, exactly.
  const [byKey, capKeyOf] = await Promise.all([
    spendByKeySince(db, accountId, startOfUtcMonth(now)),
    capKeyOfEach(db, accountId),
  ]);
  const out = new Map<string, bigint>();
  for (const [keyId, spent] of byKey) {
    const capKey = capKeyOf.get(keyId);
    if (capKey !== undefined) out.set(capKey, (out.get(capKey) ?? 0n) + spent);
  }
  return out;
}

/** What the key and the keys it replaced by rolls (its line) spent since `since`. */
export async function lineSpendSince(q: Queryable, accountId: string, capKeyId: string, since: Date): Promise<bigint> {
  // One after the other: `q` is a transaction.
  const byKey = await spendByKeySince(q, accountId, since);
  const capKeyOf = await capKeyOfEach(q, accountId);
  let total = 0n;
  for (const [keyId, spent] of byKey) if ((capKeyOf.get(keyId) ?? keyId) === capKeyId) total += spent;
  return total;
}

/** Each line's spend since the start of each cap period (day and week only when some key uses them). */
export async function periodSpendByCapKey(accountId: string, keys: ApiKeyView[], now: Date) {
  const db = await getDb();
  const starts = periodStarts(now);
  const used = new Set(keys.map((k) => k.capPeriod));
  const byPeriod = new Map<CapPeriod, Map<string, bigint>>();
  const [byKey, capKeyOf] = await Promise.all([
    Promise.all(
      (["day", "week"] as const)
        .filter((p) => used.has(p))
        .map(async (p) => [p, await spendByKeySince(db, accountId, new Date(`${starts[p]}T00:00:00Z`))] as const),
    ),
    capKeyOfEach(db, accountId),
  ]);
  for (const [p, spent] of byKey) {
    const out = new Map<string, bigint>();
    for (const [keyId, v] of spent) {
      const capKey = capKeyOf.get(keyId);
      if (capKey !== undefined) out.set(capKey, (out.get(capKey) ?? 0n) + v);
    }
    byPeriod.set(p, out);
  }
  return byPeriod;
}
