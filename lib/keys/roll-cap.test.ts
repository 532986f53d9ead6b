import { describe, expect, it } from "vitest";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { postLedgerEntry } from "@/lib/billing/ledger";
import { checkLedger } from "@/lib/billing/ledger-check";
import { invalidateKey } from "@/lib/keys/resolve";
import { gateway } from "@/lib/gateway/runtime";
import { maxCost } from "@/lib/gateway/agent";
import { costMicro, findModel } from "@/lib/models";
import { POST as agent } from "@/app/agent/route";
import { GET as listRoute, POST as createRoute } from "@/app/api/keys/route";
import { PATCH as patchRoute } from "@/app/api/keys/[id]/route";
import { POST as rollRoute } from "@/app/api/keys/[id]/roll/route";

// A rolled key and its replacement share one monthly cap during the grace, driven through the
// real gateway (the model is the stand-in): issue 10, point 7.

const BODY = { prompt: "cap me", model: "gpt-oss:20b", maxTokens: 50 };
const ask = (secret: string) =>
  call(agent, {
    method: "POST",
    path: "/agent",
    body: BODY,
    origin: null,
    headers: { authorization: `Bearer ${secret}` },
  });

describe.each(testDbKinds())("a rolled key's cap through /agent (%s)", (kind) => {
  const { db } = testRuntime(kind, {
    model: true,
    env: { APP_URL: "http://localhost:3000", KEY_RATE_LIMIT_PER_MINUTE: "1000000", KEY_RATE_LIMIT_BURST: "100000" },
  });

  it("carries the month's spend over, holds old + new keys to one cap in the grace, then refuses the old key", async () => {
    const a = await signedInAccount();
    await postLedgerEntry({
      accountId: a.accountId,
      amountMicro: 50_000_000n,
      kind: "adjustment",
      reference: `test:${crypto.randomUUID()}`,
    });
    const gpt = findModel("gpt-oss:20b")!;
    const perCallMax = maxCost(gpt, BODY.prompt, BODY.maxTokens);
    const cap = perCallMax * 10n;
    const created = await call(createRoute, {
      path: "/api/keys",
      cookie: a.cookie,
      body: { name: "prod", spendCapMicro: Number(cap) },
    });
    const old = created.json as { key: { id: string }; secret: string };

    // Spend part of the month on the old key.
    let before = 0n;
    for (let i = 0; i < 5; i++) {
      const res = await ask(old.secret);
      expect(res.status).toBe(200);
      expect(BigInt(res.json.costMicro)).toBe(costMicro(gpt, res.json.usage.inputTokens, res.json.usage.outputTokens));
      before += BigInt(res.json.costMicro);
    }

    const rolled = await call(rollRoute, {
      path: `/api/keys/${old.key.id}/roll`,
      cookie: a.cookie,
      params: { id: old.key.id },
      body: { graceSeconds: 86400 },
    });
    expect(rolled.status).toBe(201);
    const fresh = rolled.json as { key: { id: string }; secret: string };
    const periodSpend = async (id: string) =>
      BigInt(
        (
          await db.query<{ period_spend_micro: string }>("SELECT period_spend_micro FROM api_keys WHERE id = $1", [id])
        )[0]!.period_spend_micro,
      );
    expect(await periodSpend(fresh.key.id)).toBe(before);

    // Both keys at once, in waves of 10 concurrent calls until the cap stops every call of a
    // wave: together they stay within the one cap (without the fix, each key had a whole cap).
    const ok: { json: { costMicro: number } }[] = [];
    for (let wave = 0; wave < 30; wave++) {
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => ask(i % 2 ? old.secret : fresh.secret)));
      for (const r of results) if (r.status !== 200) expect(r.json.error.code).toBe("key_spend_limit");
      ok.push(...results.filter((r) => r.status === 200));
      if (results.every((r) => r.status !== 200)) break;
    }
    const total = ok.reduce((s, r) => s + BigInt(r.json.costMicro), before);
    expect(total).toBeLessThanOrEqual(cap);
    // And the cap was used, not refused early: less than one call's maximum is left.
    expect(cap - total).toBeLessThan(perCallMax);
    const perKey = await db.query<{ key_id: string; n: number }>(
      "SELECT key_id, count(*)::int AS n FROM usage_events WHERE account_id = $1 AND status = 200 GROUP BY key_id",
      [a.accountId],
    );
    expect(new Set(perKey.map((r) => r.key_id))).toEqual(new Set([old.key.id, fresh.key.id]));
    expect(await periodSpend(fresh.key.id)).toBe(total);
    expect(await periodSpend(old.key.id)).toBe(before);

    // The dashboard shows the one cap and what was spent against it, on both keys.
    const listed = (await call(listRoute, { path: "/api/keys", cookie: a.cookie })).json.keys as {
      id: string;
      monthSpendMicro: number;
      spendCapMicro: number;
    }[];
    for (const id of [old.key.id, fresh.key.id]) {
      expect(listed.find((k) => k.id === id)).toMatchObject({
        monthSpendMicro: Number(total),
        spendCapMicro: Number(cap),
      });
    }

    // After the grace the old key is refused; the new one goes on (under a raised cap).
    await db.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [old.key.id]);
    await invalidateKey(old.key.id);
    const expired = await ask(old.secret);
    expect(expired.status).toBe(401);
    expect(expired.json.error.code).toBe("expired_api_key");
    const raised = await call(patchRoute, {
      method: "PATCH",
      path: `/api/keys/${fresh.key.id}`,
      cookie: a.cookie,
      params: { id: fresh.key.id },
      body: { spendCapMicro: Number(cap * 2n) },
    });
    expect(raised.status).toBe(200);
    expect((await ask(fresh.secret)).status).toBe(200);

    await gateway().caps.releaseIdle(0);
    await gateway().balances.releaseIdle(0);
    expect(await checkLedger(db)).toEqual([]);
  });
});
