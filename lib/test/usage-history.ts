import { randomUUID } from "node:crypto";
import { beforeAll } from "vitest";
import type { DbKind, TestDb } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { signedInAccount } from "@/lib/test/session";
import { resolveRange, type UsageFilterInput } from "@/lib/usage/filters";
import type { CallMeasures } from "@/lib/usage/call-measures";

// A seeded usage history for the usage domain's tests: 159 events over 55 days in account A
// (three keys with hostile names, and calls without a key, ties to the microsecond), noise in
// account B that even names A's key, and the expected answers computed from the events
// themselves (`matches`, `sums`), never by the queries under test.

export const DAY = 86_400_000;

export interface Ev extends CallMeasures {
  keyId: string | null;
  status: number;
  at: string; // microsecond ISO
}

// Deterministic pseudo-random numbers so a failure can be reproduced.
function lcg(seed: number) {
  let s = seed;
  // The low bits of an LCG cycle quickly; take the high ones.
  return (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), Math.floor((s / 2 ** 31) * n));
}

const MODELS = ["gpt-oss:20b", "gpt-oss:120b"];
const STATUSES = [200, 200, 200, 200, 402, 429, 500, 502];
export const KEY_NAMES = ['Prod, "main"\nsecond line', '=HYPERLINK("http://x")', "plain"];

function microIso(ms: number, micros: number) {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(micros).padStart(6, "0")}Z`;
}

async function seed(
  db: TestDb,
  accountId: string,
  keyIds: (string | null)[],
  now: number,
  rnd: (n: number) => number,
): Promise<Ev[]> {
  const evs: Ev[] = [];
  for (let n = 0; n < 150; n++) {
    // Within 25 days, or older than 35: nothing near the default 30-day boundary.
    const ageMs = n % 15 === 0 ? 35 * DAY + rnd(20) * DAY : rnd(25 * DAY);
    const t = Math.floor((now - ageMs) / 1000) * 1000;
    evs.push({
      keyId: keyIds[rnd(keyIds.length)]!,
      model: MODELS[rnd(2)]!,
      inputTokens: rnd(5000),
      outputTokens: rnd(2000),
      costMicro: BigInt(rnd(5_000_000)),
      latencyMs: rnd(3000),
      status: STATUSES[rnd(STATUSES.length)]!,
      at: microIso(t, rnd(1_000_000)),
    });
  }
  // Ties: same instant to the microsecond, which only the id breaks.
  const tie = microIso(Math.floor((now - 2 * DAY) / 1000) * 1000, 123456);
  for (let n = 0; n < 9; n++) evs.push({ ...evs[n]!, keyId: keyIds[0]!, at: tie });
  const cols = 9;
  const values = evs.map(
    (_, r) => `(${Array.from({ length: cols }, (_, c) => `$${r * cols + c + 1}`).join(", ")}, 'key', 'req')`,
  );
  await db.query(
    `INSERT INTO usage_events (account_id, key_id, model, input_tokens, output_tokens, cost_micro, latency_ms, status, created_at, auth_kind, request_id)
     VALUES ${values.join(", ")}`,
    evs.flatMap((e) => [
      accountId,
      e.keyId,
      e.model,
      e.inputTokens,
      e.outputTokens,
      e.costMicro.toString(),
      e.latencyMs,
      e.status,
      e.at,
    ]),
  );
  return evs;
}

export function matches(e: Ev, f: UsageFilterInput, now: Date) {
  const { from, to } = resolveRange(f, now);
  const t = Date.parse(e.at);
  if (t < from.getTime() || (to && t >= to.getTime())) return false;
  if (f.keyId && e.keyId !== f.keyId) return false;
  if (f.model && e.model !== f.model) return false;
  const ok = e.status >= 200 && e.status <= 299;
  if (f.status === "success" && !ok) return false;
  if (f.status === "error" && ok) return false;
  if (typeof f.status === "number" && e.status !== f.status) return false;
  return true;
}

export function sums(evs: Ev[]) {
  return {
    requests: evs.length,
    inputTokens: evs.reduce((a, e) => a + BigInt(e.inputTokens), 0n),
    outputTokens: evs.reduce((a, e) => a + BigInt(e.outputTokens), 0n),
    costMicro: evs.reduce((a, e) => a + e.costMicro, 0n),
  };
}

export interface UsageSuite {
  db: TestDb;
  now: Date;
  /** Account A, with the seeded history, and account B, with the noise. */
  a: Awaited<ReturnType<typeof signedInAccount>>;
  b: Awaited<ReturnType<typeof signedInAccount>>;
  /** A's keys, in KEY_NAMES order. */
  keys: string[];
  evs: Ev[];
}

/** Registers the suite's hooks; the fields are set once beforeAll has run. */
export function usageSuite(kind: DbKind): UsageSuite {
  const { db } = testRuntime(kind, { env: { APP_URL: "http://localhost:3000", SOLANA_CLUSTER: "localnet" } });
  const u = { db, now: new Date() } as UsageSuite;
  beforeAll(async () => {
    u.a = await signedInAccount();
    u.b = await signedInAccount();
    u.keys = [];
    for (const [n, name] of KEY_NAMES.entries()) {
      const id = randomUUID();
      await db.query("INSERT INTO api_keys (id, account_id, name, key_hash, start) VALUES ($1, $2, $3, $4, $5)", [
        id,
        u.a.accountId,
        name,
        `h${id}`,
        `sk_solrouter_K${n}x`,
      ]);
      u.keys.push(id);
    }
    u.evs = await seed(db, u.a.accountId, [...u.keys, null], u.now.getTime(), lcg(42));
    // Noise in another account, one of whose rows even names A's key.
    await seed(db, u.b.accountId, [u.keys[0]!, null], u.now.getTime(), lcg(7));
  });
  return u;
}
