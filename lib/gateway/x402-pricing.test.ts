import path from "node:path";
import bs58 from "bs58";
import { beforeAll, describe, expect, it } from "vitest";
import { Connection, Keypair, PublicKey } from "@solana/web3.js";
import { getAssociatedTokenAddressSync, getOrCreateAssociatedTokenAccount, transferChecked } from "@solana/spl-token";
import { decodePaymentRequiredHeader } from "@x402/core/http";
import { testDbKinds } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { testRuntime } from "@/lib/test/runtime";
import { testLocalX402 } from "@/lib/test/x402";
import { signedInAccount } from "@/lib/test/session";
import { postLedgerEntry } from "@/lib/billing/ledger";
import { generateApiKey } from "@/lib/keys/format";
import { MODELS } from "@/lib/models";
import { recoverX402Payments } from "@/lib/x402/settling";
import { createTestPayer, tokenBalance, type TestPayer } from "@/lib/test/x402-payer";
import { POST as agent } from "@/app/agent/route";

const model = MODELS[0]!;
const post = (headers: Record<string, string>, b: unknown) =>
  call(agent, { method: "POST", path: "/agent", body: b, origin: null, headers });

// Computed from the catalogue, not by the gateway: bytes + 32 template tokens at the input
// price, maxTokens at the output price, rounded up; never below the x402 minimum.
function expectedPrice(prompt: string, maxTokens: number): bigint {
  const scaled =
    BigInt(Buffer.byteLength(prompt) + 32) * BigInt(model.inputPriceMicroPerMTok) +
    BigInt(maxTokens) * BigInt(model.outputPriceMicroPerMTok);
  const p = (scaled + 999_999n) / 1_000_000n;
  return p > BigInt(model.x402PriceMicro) ? p : BigInt(model.x402PriceMicro);
}

// 50,000 two-byte characters: 100,000 bytes, priced by bytes, not characters.
const large = { prompt: "é".repeat(50_000), model: model.id, maxTokens: 2_000 };
// One byte over the context with the default 1024 output tokens.
const overContext = { prompt: "a".repeat(model.contextLength - 32 - 1024 + 1), model: model.id };

const { ln, env: clusterAppEnv } = testLocalX402("x402-pricing-test-");

describe.each(testDbKinds())("x402 prices per request, context limits, settle order (%s)", (kind) => {
  const { db, model: upstream } = testRuntime(kind, {
    model: true,
    env: clusterAppEnv,
  });
  let payer: TestPayer;
  const usdc = () => ln.info.usdcMint;
  const treasuryBalance = () => tokenBalance(ln.info.rpcUrl, ln.info.treasury, usdc());
  const count = async (sql: string, params: unknown[] = []) =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${sql}`, params))[0]!.n;

  beforeAll(async () => {
    payer = await createTestPayer({ rpcUrl: ln.info.rpcUrl, mints: [usdc()] });
  });

  it("charges a large prompt by x402 exactly what the key tier would reserve for it", async () => {
    const price = expectedPrice(large.prompt, large.maxTokens);
    expect(price).toBe(5_402n);
    const unpaid = await post({}, large);
    expect(unpaid.status).toBe(402);
    expect(unpaid.json.error.message).toContain("0.005402 USDC");
    const pr = decodePaymentRequiredHeader(unpaid.headers.get("payment-required")!);
    expect(pr.accepts[0]!.amount).toBe(price.toString());
    const before = await treasuryBalance();
    const paid = await post({ "payment-signature": await payer.pay(pr) }, large);
    expect(paid.status).toBe(200);
    expect(BigInt(paid.json.costMicro)).toBe(price);
    expect(await treasuryBalance()).toBe(before + price);
    const rows = await db.query<{ cost_micro: string; status: number }>(
      "SELECT u.cost_micro::text AS cost_micro, u.status FROM usage_events u JOIN x402_payments p ON p.usage_id = u.id WHERE p.status = 'settled'",
    );
    expect(rows).toEqual([{ cost_micro: price.toString(), status: 200 }]);
    // A small body still costs the catalogue's minimum.
    const small = await post({}, { prompt: "hi", model: model.id, maxTokens: 16 });
    expect(decodePaymentRequiredHeader(small.headers.get("payment-required")!).accepts[0]!.amount).toBe(
      String(model.x402PriceMicro),
    );
  });

  it("refuses the old flat price for a large body, without running the model or moving money", async () => {
    const flat = await post({}, undefined);
    expect(decodePaymentRequiredHeader(flat.headers.get("payment-required")!).accepts[0]!.amount).toBe(
      String(model.x402PriceMicro),
    );
    // Without a body the 402 states the minimum and how the price scales.
    expect(flat.json.error.message).toMatch(
      /from 0\.001000 USDC.*prompt's UTF-8 bytes.*at least the model's x402PriceMicro.*Send the request's JSON body/,
    );
    const header = await payer.pay(flat.headers.get("payment-required")!);
    const [calls, before, payerBefore] = [
      upstream.calls(),
      await treasuryBalance(),
      await tokenBalance(ln.info.rpcUrl, payer.address, usdc()),
    ];
    const res = await post({ "payment-signature": header }, large);
    expect(res.status).toBe(402);
    expect(res.json.error.code).toBe("payment_invalid");
    expect(upstream.calls()).toBe(calls);
    expect(await treasuryBalance()).toBe(before);
    expect(await tokenBalance(ln.info.rpcUrl, payer.address, usdc())).toBe(payerBefore);
  });

  it("refuses a request over the model's context with 400 before any payment, on x402 and key tiers", async () => {
    const payments = await count("x402_payments");
    const unpaid = await post({}, overContext);
    expect(unpaid.status).toBe(400);
    expect(unpaid.json.error.code).toBe("context_length_exceeded");
    expect(unpaid.headers.get("payment-required")).toBeNull();
    // Even with a payment (for the minimum) attached: refused, not verified, not recorded.
    const header = await payer.pay((await post({}, undefined)).headers.get("payment-required")!);
    const payerBefore = await tokenBalance(ln.info.rpcUrl, payer.address, usdc());
    const calls = upstream.calls();
    const paid = await post({ "payment-signature": header }, overContext);
    expect(paid.status).toBe(400);
    expect(paid.json.error.code).toBe("context_length_exceeded");
    expect(await count("x402_payments")).toBe(payments);
    expect(await tokenBalance(ln.info.rpcUrl, payer.address, usdc())).toBe(payerBefore);

    const { accountId } = await signedInAccount();
    const k = generateApiKey();
    await db.query("INSERT INTO api_keys (account_id, name, key_hash, start) VALUES ($1, 'ctx', $2, $3)", [
      accountId,
      k.hash,
      k.start,
    ]);
    await postLedgerEntry({
      accountId,
      amountMicro: 10_000_000n,
      kind: "adjustment",
      reference: `test:${crypto.randomUUID()}`,
    });
    const keyed = await post({ authorization: `Bearer ${k.secret}` }, overContext);
    expect(keyed.status).toBe(400);
    expect(keyed.json.error.code).toBe("context_length_exceeded");
    // One byte less fits (and is served).
    const fits = await post(
      { authorization: `Bearer ${k.secret}` },
      { ...overContext, prompt: overContext.prompt.slice(1) },
    );
    expect(fits.status).toBe(200);
    expect(upstream.calls()).toBe(calls + 1);
    const [acct] = await db.query<{ held_micro: string }>("SELECT held_micro FROM accounts WHERE id = $1", [accountId]);
    expect(await count("usage_events WHERE account_id = $1", [accountId])).toBe(1);
    expect(BigInt(acct!.held_micro)).toBeGreaterThanOrEqual(0n);
  });

  it("undoes the usage row when settlement fails after the model ran: the payer keeps their USDC", async () => {
    const body = { prompt: "[[delay:1500]] pay me later", model: model.id, maxTokens: 16 };
    const price = expectedPrice(body.prompt, body.maxTokens);
    const drainer = await createTestPayer({ rpcUrl: ln.info.rpcUrl, mints: [usdc()], tokens: price });
    const header = await drainer.pay((await post({}, body)).headers.get("payment-required")!);
    const before = await treasuryBalance();
    const pending = post({ "payment-signature": header, "x-request-id": "drained-call" }, body);
    // While the model runs, the payer moves the funds away: the settlement must fail.
    await new Promise((r) => setTimeout(r, 300));
    const conn = new Connection(ln.info.rpcUrl, "confirmed");
    const mint = new PublicKey(usdc());
    const sink = await getOrCreateAssociatedTokenAccount(conn, drainer.keypair, mint, Keypair.generate().publicKey);
    await transferChecked(
      conn,
      drainer.keypair,
      getAssociatedTokenAddressSync(mint, drainer.keypair.publicKey),
      mint,
      sink.address,
      drainer.keypair,
      price,
      6,
    );
    const res = await pending;
    expect(res.status).toBe(402);
    expect(res.json.error.code).toBe("payment_invalid");
    expect(await treasuryBalance()).toBe(before);
    const rows = await db.query<{ cost_micro: string; status: number; pstatus: string }>(
      "SELECT u.cost_micro::text AS cost_micro, u.status, p.status AS pstatus FROM x402_payments p JOIN usage_events u ON u.id = p.usage_id WHERE p.payer = $1",
      [drainer.address],
    );
    expect(rows).toEqual([{ cost_micro: "0", status: 402, pstatus: "failed" }]);
  });

  it("never settles a call whose usage could not be recorded", async () => {
    const body = { prompt: "record me first", model: model.id, maxTokens: 16 };
    const header = await payer.pay((await post({}, body)).headers.get("payment-required")!);
    const [before, payerBefore] = [await treasuryBalance(), await tokenBalance(ln.info.rpcUrl, payer.address, usdc())];
    await db.query(
      `CREATE FUNCTION refuse_x402_usage() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$`,
    );
    await db.query(
      `CREATE TRIGGER refuse_x402_usage BEFORE INSERT ON usage_events FOR EACH ROW WHEN (NEW.auth_kind = 'x402') EXECUTE FUNCTION refuse_x402_usage()`,
    );
    try {
      const res = await post({ "payment-signature": header }, body);
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe("unavailable");
    } finally {
      await db.query("DROP TRIGGER refuse_x402_usage ON usage_events");
      await db.query("DROP FUNCTION refuse_x402_usage()");
    }
    await new Promise((r) => setTimeout(r, 1000));
    expect(await treasuryBalance()).toBe(before);
    expect(await tokenBalance(ln.info.rpcUrl, payer.address, usdc())).toBe(payerBefore);
    expect(
      await db.query("SELECT status FROM x402_payments WHERE payer = $1 ORDER BY id DESC LIMIT 1", [payer.address]),
    ).toEqual([{ status: "failed" }]);
  });

  it("recovery finishes or undoes what a dead process left, from the chain's word", async () => {
    const [landed] = await db.query<{ transaction: string }>(
      "SELECT transaction FROM x402_payments WHERE status = 'settled' LIMIT 1",
    );
    const [acct] = await db.query<{ id: string }>("INSERT INTO accounts (wallet) VALUES ($1) RETURNING id", [
      bs58.encode(Keypair.generate().publicKey.toBytes()),
    ]);
    const add = async (hash: string, status: string, transaction: string | null) => {
      const [u] = await db.query<{ id: string }>(
        "INSERT INTO usage_events (account_id, auth_kind, model, input_tokens, output_tokens, cost_micro, latency_ms, status, request_id) VALUES ($1, 'x402', $2, 1, 1, 1000, 1, 200, $3) RETURNING id",
        [acct!.id, model.id, hash],
      );
      await db.query(
        "INSERT INTO x402_payments (message_hash, payer, amount, network, status, transaction, usage_id, created_at) VALUES ($1, 'p', 1000, 'n', $2, $3, $4, now() - interval '1 hour')",
        [hash, status, transaction, status === "settling" ? u!.id : null],
      );
    };
    await add("dead-accepted", "accepted", null);
    await add("dead-landed", "settling", landed!.transaction);
    await add("dead-never-sent", "settling", bs58.encode(Buffer.alloc(64, 7)));
    await add("dead-undecided", "settling", null);
    const out = await recoverX402Payments();
    expect(out).toEqual({ settled: 1, failed: 2, undecided: ["dead-undecided"] });
    const rows = await db.query<{ message_hash: string; status: string; cost: string | null }>(
      "SELECT p.message_hash, p.status, u.cost_micro::text AS cost FROM x402_payments p LEFT JOIN usage_events u ON u.id = p.usage_id WHERE p.message_hash LIKE 'dead-%' ORDER BY p.message_hash",
    );
    expect(rows).toEqual([
      { message_hash: "dead-accepted", status: "failed", cost: null },
      { message_hash: "dead-landed", status: "settled", cost: "1000" },
      { message_hash: "dead-never-sent", status: "failed", cost: "0" },
      { message_hash: "dead-undecided", status: "settling", cost: "1000" },
    ]);
  });
});
