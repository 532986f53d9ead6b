import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { internalToken, jwtSigner } from "@/lib/test/internal-jwt";
import { decodePaymentRequiredHeader, decodePaymentResponseHeader } from "@x402/core/http";
import { openDb } from "@/lib/db/client";
import { setDb } from "@/lib/db";
import { testDbKinds } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { testRuntime } from "@/lib/test/runtime";
import { testLocalX402 } from "@/lib/test/x402";
import { MODELS } from "@/lib/models";
import { createTestPayer, tokenBalance, type TestPayer } from "@/lib/test/x402-payer";
import { POST as agent } from "@/app/agent/route";

const model = MODELS[0]!;
const body = { prompt: "hello from an agent", model: model.id, maxTokens: 32 };
const post = (headers: Record<string, string>, b: unknown = body) =>
  call(agent, { method: "POST", path: "/agent", body: b, origin: null, headers });

const { ln, env: clusterAppEnv } = testLocalX402("tiers-test-");
let jwks: string;
let privateKey: CryptoKey;
let otherKey: CryptoKey;

beforeAll(async () => {
  ({ privateKey, jwks } = await jwtSigner());
  otherKey = (await jwtSigner()).privateKey;
});

const token = internalToken;

describe.each(testDbKinds())("POST /agent: internal JWT and x402 (%s)", (kind) => {
  const { db, model: upstream } = testRuntime(kind, {
    model: true,
    env: () => ({ ...clusterAppEnv(), INTERNAL_JWT_PUBLIC_KEYS: jwks }),
  });
  let payer: TestPayer;
  beforeAll(async () => {
    payer = await createTestPayer({ rpcUrl: ln.info.rpcUrl, mints: [ln.info.usdcMint] });
  });

  it("serves a first-party product with a valid JWT and records it without touching balances", async () => {
    const res = await post({ authorization: `Bearer ${await token(privateKey)}` });
    expect(res.status).toBe(200);
    expect(res.json.output).toContain("stand-in");
    const rows = await db.query<{ product: string; auth_kind: string; account_id: string | null }>(
      "SELECT product, auth_kind, account_id FROM usage_events WHERE auth_kind = 'jwt'",
    );
    expect(rows).toEqual([{ product: "solrouter-chat", auth_kind: "jwt", account_id: null }]);
    expect(await db.query("SELECT 1 FROM ledger_entries")).toEqual([]);
  });

  it("refuses bad internal tokens with 401 invalid_token", async () => {
    for (const t of [
      await token(otherKey),
      await token(privateKey, { ttl: 3600 }),
      (await token(privateKey)).slice(0, -5),
      "a.b.c",
    ]) {
      const res = await post({ authorization: `Bearer ${t}` });
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe("invalid_token");
    }
  });

  it("answers an unpaid call with a decodable x402 requirement, even without a body", async () => {
    const res = await post({}, undefined);
    expect(res.status).toBe(402);
    expect(res.json.error.code).toBe("payment_required");
    const pr = decodePaymentRequiredHeader(res.headers.get("payment-required")!);
    expect(pr.x402Version).toBe(2);
    expect(pr.accepts[0]).toMatchObject({
      scheme: "exact",
      asset: ln.info.usdcMint,
      payTo: ln.info.treasury,
      amount: String(model.x402PriceMicro),
    });
  });

  it("serves a paid call once: treasury up by exactly the price, replay refused without a model call", async () => {
    const unpaid = await post({});
    const header = await payer.pay(unpaid.headers.get("payment-required")!);
    const before = await tokenBalance(ln.info.rpcUrl, ln.info.treasury, ln.info.usdcMint);
    const paid = await post({ "payment-signature": header });
    expect(paid.status).toBe(200);
    expect(paid.json.costMicro).toBe(model.x402PriceMicro);
    const receipt = decodePaymentResponseHeader(paid.headers.get("payment-response")!);
    expect(receipt.success).toBe(true);
    expect(await tokenBalance(ln.info.rpcUrl, ln.info.treasury, ln.info.usdcMint)).toBe(
      before + BigInt(model.x402PriceMicro),
    );

    const [usage] = await db.query<{ wallet: string; cost_micro: string }>(
      "SELECT a.wallet, u.cost_micro FROM usage_events u JOIN accounts a ON a.id = u.account_id WHERE u.auth_kind = 'x402'",
    );
    expect(usage).toMatchObject({ wallet: payer.address });

    const calls = upstream.calls();
    const replay = await post({ "payment-signature": header });
    expect(replay.status).toBe(402);
    expect(replay.json.error.code).toBe("payment_invalid");
    // A second instance on the same database refuses it too.
    if (db.url) {
      const second = await openDb({ url: db.url });
      setDb(second);
      try {
        expect((await post({ "payment-signature": header })).json.error.code).toBe("payment_invalid");
      } finally {
        setDb(db);
        await second.close();
      }
    }
    expect(upstream.calls()).toBe(calls);
    expect(await tokenBalance(ln.info.rpcUrl, ln.info.treasury, ln.info.usdcMint)).toBe(
      before + BigInt(model.x402PriceMicro),
    );
  });

  it("leaves the payer whole when the model fails", async () => {
    const failing = { ...body, prompt: "[[upstream-error]]" };
    const unpaid = await post({}, failing);
    const header = await payer.pay(unpaid.headers.get("payment-required")!);
    const before = await tokenBalance(ln.info.rpcUrl, payer.address, ln.info.usdcMint);
    const res = await post({ "payment-signature": header }, failing);
    expect(res.status).toBe(502);
    expect(await tokenBalance(ln.info.rpcUrl, payer.address, ln.info.usdcMint)).toBe(before);
  });

  it("answers garbage payment headers with 4xx, never 5xx", async () => {
    for (const h of ["x", "e30=", Buffer.from('{"x402Version":2}').toString("base64"), "!!!", "A".repeat(5000)]) {
      const res = await post({ "payment-signature": h });
      expect(res.status, h).toBeGreaterThanOrEqual(400);
      expect(res.status, h).toBeLessThan(500);
    }
  });
});
