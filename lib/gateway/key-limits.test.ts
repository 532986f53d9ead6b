import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { testDbKinds } from "@/lib/test/db";
import { credit as fund, insertKey as makeKey, testRuntime } from "@/lib/test/runtime";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { checkLedger } from "@/lib/billing/ledger-check";
import { invalidateKey, resetKeyCache } from "@/lib/keys/resolve";
import { createKey, updateKey } from "@/lib/keys/store";
import { gateway } from "@/lib/gateway/runtime";
import { maxCost } from "@/lib/gateway/agent";
import { costMicro, findModel } from "@/lib/models";
import { POST as agent } from "@/app/agent/route";
import { POST as chat } from "@/app/v1/chat/completions/route";
import { periodStarts } from "@/lib/keys/cap-holds";

// Key limits in the gateway: the model allowlist, management keys that may not call models, and
// spend caps per UTC day / week / month (the clock is moved with fake Date only), held under
// concurrency and counting what was spent before the cap was set.

const BODY = { prompt: "period test", model: "gpt-oss:20b", maxTokens: 50 };
const PER_CALL_MAX = maxCost(findModel("gpt-oss:20b")!, BODY.prompt, BODY.maxTokens);

const ask = (secret: string, body: unknown = BODY) =>
  call(agent, { method: "POST", path: "/agent", body, origin: null, headers: { authorization: `Bearer ${secret}` } });

const chatAsk = (secret: string, model = "gpt-oss:20b") =>
  call(chat, {
    method: "POST",
    path: "/v1/chat/completions",
    body: { model, messages: [{ role: "user", content: "hi" }], max_tokens: 16 },
    origin: null,
    headers: { authorization: `Bearer ${secret}` },
  });

describe("periodStarts", () => {
  it("starts days at 00:00 UTC, weeks on Monday and months on the 1st", () => {
    expect(periodStarts(new Date("2026-03-10T23:59:59.999Z"))).toEqual({
      day: "2026-03-10",
      week: "2026-03-09",
      month: "2026-03-01",
    });
    expect(periodStarts(new Date("2026-03-11T00:00:00Z"))).toMatchObject({ day: "2026-03-11", week: "2026-03-09" });
    // Sunday belongs to the week that began the Monday before; Monday starts a new one.
    expect(periodStarts(new Date("2026-03-15T23:59:59Z")).week).toBe("2026-03-09");
    expect(periodStarts(new Date("2026-03-16T00:00:00Z")).week).toBe("2026-03-16");
    expect(periodStarts(new Date("2026-03-01T00:30:00Z"))).toEqual({
      day: "2026-03-01",
      week: "2026-02-23",
      month: "2026-03-01",
    });
  });
});

describe.each(testDbKinds())("key limits in the gateway (%s)", (kind) => {
  const { db } = testRuntime(kind, {
    model: true,
    env: { APP_URL: "http://localhost:3000", KEY_RATE_LIMIT_PER_MINUTE: "1000000", KEY_RATE_LIMIT_BURST: "100000" },
  });

  beforeEach(() => resetKeyCache());
  afterEach(() => vi.useRealTimers());

  async function usageCount(accountId: string) {
    const [r] = await db.query<{ n: number }>("SELECT count(*)::int AS n FROM usage_events WHERE account_id = $1", [
      accountId,
    ]);
    return Number(r!.n);
  }

  async function held(accountId: string) {
    const [r] = await db.query<{ held_micro: string }>("SELECT held_micro FROM accounts WHERE id = $1", [accountId]);
    return BigInt(r!.held_micro);
  }

  it("refuses a model outside the key's allowlist with 403 model_not_allowed, before any reservation", async () => {
    const { accountId } = await signedInAccount();
    await fund(accountId, 1_000_000n);
    const { secret } = await createKey(accountId, { name: "only 120b", models: ["gpt-oss:120b"] });
    await gateway().balances.releaseIdle(0);
    const refused = await ask(secret);
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("model_not_allowed");
    expect(refused.json.error.message).toContain("gpt-oss:120b");
    const viaChat = await chatAsk(secret);
    expect(viaChat.status).toBe(403);
    expect(viaChat.json.error.code).toBe("model_not_allowed");
    expect(await usageCount(accountId)).toBe(0);
    expect(await held(accountId)).toBe(0n);
    const allowed = await ask(secret, { ...BODY, model: "gpt-oss:120b" });
    expect(allowed.status).toBe(200);
    expect(allowed.json.costMicro).toBe(
      Number(costMicro(findModel("gpt-oss:120b")!, allowed.json.usage.inputTokens, allowed.json.usage.outputTokens)),
    );
  });

  it("keeps a management key from calling models unless it was created with canCallModels", async () => {
    const { accountId } = await signedInAccount();
    await fund(accountId, 1_000_000n);
    const manager = await createKey(accountId, { name: "ops", canManageKeys: true });
    expect(manager.key).toMatchObject({ canManageKeys: true, canCallModels: false });
    for (const res of [await ask(manager.secret), await chatAsk(manager.secret)]) {
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe("key_not_allowed");
    }
    expect(await usageCount(accountId)).toBe(0);
    const both = await createKey(accountId, { name: "ops+calls", canManageKeys: true, canCallModels: true });
    expect((await ask(both.secret)).status).toBe(200);
    // A regular key calls models; it cannot be made a key that cannot.
    await expect(createKey(accountId, { name: "x", canCallModels: false })).rejects.toMatchObject({
      code: "invalid_request",
    });
  });

  /** What one BODY call costs (the mock model answers the same prompt the same way). */
  async function oneCallCost(accountId: string): Promise<bigint> {
    const probe = await createKey(accountId, { name: "probe" });
    const res = await ask(probe.secret);
    expect(res.status).toBe(200);
    return BigInt(res.json.costMicro);
  }

  it("resets a daily cap at 00:00 UTC: refused at 23:59:59, served at 00:00:00", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-03-10T23:59:50Z"));
    const { accountId } = await signedInAccount();
    await fund(accountId, 5_000_000n);
    const c = await oneCallCost(accountId);
    // Room for exactly one call a day: after it, less than one call's reservation is left.
    const { secret, key } = await createKey(accountId, {
      name: "daily",
      spendCap: { micro: PER_CALL_MAX + c - 1n, period: "day" },
    });
    expect(key.spendCap).toEqual({ micro: PER_CALL_MAX + c - 1n, period: "day" });
    vi.setSystemTime(new Date("2026-03-10T23:59:59Z"));
    expect((await ask(secret)).status).toBe(200);
    const refused = await ask(secret);
    expect(refused.status).toBe(402);
    expect(refused.json.error.code).toBe("key_spend_limit");
    expect(refused.json.error.message).toContain("day");
    vi.setSystemTime(new Date("2026-03-11T00:00:00Z"));
    expect((await ask(secret)).status).toBe(200);
    expect((await ask(secret)).status).toBe(402);
    const [k] = await db.query<{ period_start: string; period_spend_micro: string }>(
      "SELECT to_char(period_start, 'YYYY-MM-DD') AS period_start, period_spend_micro::text FROM api_keys WHERE id = $1",
      [key.id],
    );
    expect(k).toEqual({ period_start: "2026-03-11", period_spend_micro: String(c) });
    await gateway().caps.releaseIdle(0);
    await gateway().balances.releaseIdle(0);
    expect(await checkLedger(db)).toEqual([]);
  });

  it("resets a weekly cap on Monday 00:00 UTC, not at a day boundary mid-week", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-03-10T23:59:59Z")); // a Tuesday
    const { accountId } = await signedInAccount();
    await fund(accountId, 5_000_000n);
    const c = await oneCallCost(accountId);
    const { secret } = await createKey(accountId, {
      name: "weekly",
      spendCap: { micro: PER_CALL_MAX + c - 1n, period: "week" },
    });
    expect((await ask(secret)).status).toBe(200);
    expect((await ask(secret)).status).toBe(402);
    vi.setSystemTime(new Date("2026-03-11T00:00:00Z")); // Wednesday: same week
    expect((await ask(secret)).status).toBe(402);
    vi.setSystemTime(new Date("2026-03-15T23:59:59Z")); // Sunday: still the same week
    expect((await ask(secret)).status).toBe(402);
    vi.setSystemTime(new Date("2026-03-16T00:00:00Z")); // Monday
    expect((await ask(secret)).status).toBe(200);
    await gateway().caps.releaseIdle(0);
    await gateway().balances.releaseIdle(0);
    expect(await checkLedger(db)).toEqual([]);
  });

  it("applies a changed cap period at once (the instance's cap hold is revoked)", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(new Date("2026-03-10T12:00:00Z"));
    const { accountId } = await signedInAccount();
    await fund(accountId, 5_000_000n);
    const c = await oneCallCost(accountId);
    const cap = PER_CALL_MAX + c - 1n;
    const { secret, key } = await createKey(accountId, { name: "monthly", spendCap: { micro: cap, period: "month" } });
    expect((await ask(secret)).status).toBe(200);
    vi.setSystemTime(new Date("2026-03-11T12:00:00Z"));
    // Yesterday's call still counts against the month.
    expect((await ask(secret)).status).toBe(402);
    const edited = await updateKey(accountId, key.id, { spendCap: { micro: cap, period: "day" } });
    expect(edited.spendCap).toEqual({ micro: cap, period: "day" });
    // Per day, today has nothing spent yet: served at once, then refused again.
    expect((await ask(secret)).status).toBe(200);
    expect((await ask(secret)).status).toBe(402);
    // Back to a month: both calls count, so it stays refused the next day too.
    await updateKey(accountId, key.id, { spendCap: { micro: cap, period: "month" } });
    vi.setSystemTime(new Date("2026-03-12T12:00:00Z"));
    expect((await ask(secret)).status).toBe(402);
    await gateway().caps.releaseIdle(0);
    await gateway().balances.releaseIdle(0);
    expect(await checkLedger(db)).toEqual([]);
  });

  it("holds a key's monthly spend cap under 100 concurrent calls", async () => {
    const { accountId } = await signedInAccount();
    const body = { prompt: "cap me", model: "gpt-oss:20b", maxTokens: 50 };
    const perCallMax = maxCost(findModel("gpt-oss:20b")!, body.prompt, body.maxTokens);
    const cap = perCallMax * 30n;
    const key = await makeKey(accountId, { spendCapMicro: cap });
    await fund(accountId, 10_000_000n);
    const results = await Promise.all(Array.from({ length: 100 }, () => ask(key.secret, body)));
    expect(results.filter((r) => r.status >= 500)).toEqual([]);
    const ok = results.filter((r) => r.status === 200);
    const capped = results.filter((r) => r.status === 402);
    expect(capped.length).toBeGreaterThan(0);
    expect(capped.every((r) => r.json.error.code === "key_spend_limit")).toBe(true);
    expect(ok.length).toBeGreaterThanOrEqual(30);
    const spent = ok.reduce((s, r) => s + BigInt(r.json.costMicro), 0n);
    expect(spent).toBeLessThanOrEqual(cap);
    const [k] = await db.query<{ period_spend_micro: string }>(
      "SELECT period_spend_micro FROM api_keys WHERE id = $1",
      [key.id],
    );
    expect(BigInt(k!.period_spend_micro)).toBe(spent);
    await gateway().caps.releaseIdle(0);
    await gateway().balances.releaseIdle(0);
    expect(await checkLedger(db)).toEqual([]);
  });

  it("counts what a key spent this month before its cap was set", async () => {
    const { accountId } = await signedInAccount();
    const key = await makeKey(accountId);
    await fund(accountId, 1_000_000n);
    const first = await ask(key.secret);
    expect(first.status).toBe(200);
    const [k] = await db.query<{ period_spend_micro: string }>(
      "SELECT period_spend_micro FROM api_keys WHERE id = $1",
      [key.id],
    );
    expect(BigInt(k!.period_spend_micro)).toBe(BigInt(first.json.costMicro));
    // A cap just above what was spent leaves no room for another call of the same size.
    await db.query("UPDATE api_keys SET spend_cap_micro = $2 WHERE id = $1", [
      key.id,
      String(first.json.costMicro + 1),
    ]);
    await invalidateKey(key.id);
    const refused = await ask(key.secret);
    expect(refused.status).toBe(402);
    expect(refused.json.error.code).toBe("key_spend_limit");
  });
});
