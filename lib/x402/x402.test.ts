import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Connection, Keypair, PublicKey } from "@solana/web3.js";
import { getAssociatedTokenAddressSync, getOrCreateAssociatedTokenAccount, transferChecked } from "@solana/spl-token";
import {
  decodePaymentRequiredHeader,
  decodePaymentResponseHeader,
  encodePaymentSignatureHeader,
} from "@x402/core/http";
import type { PaymentRequired } from "@x402/core/types";
import { AppError } from "@/lib/errors";
import { MODELS } from "@/lib/models";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { call } from "@/lib/test/http";
import { startLocalX402, stopLocalX402, type LocalX402 } from "@/lib/test/x402";
import { GET as wellKnown } from "@/app/.well-known/x402/route";
import { FEE_PAYER_FILE } from "./fee-payer";
import { getFacilitator } from "./facilitator";
import { findPayment, markPaymentFailed, markPaymentSettled, recordAcceptedPayment } from "./payments";
import { paymentRequired } from "./requirements";
import { settlePayment, verifyPaymentHeader } from "./verify";
import { createTestPayer, localRpc, tokenBalance, type TestPayer } from "@/lib/test/x402-payer";

const RESOURCE = "http://localhost:3000/agent";
const PRICE = MODELS[0]!.x402PriceMicro;
let stack: LocalX402;
let rpcUrl: string;
let usdc: string;
let treasury: string;

async function invalidCode(p: Promise<unknown>): Promise<string> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  if (!(err instanceof AppError)) throw new Error(`expected AppError, got ${err === null ? "success" : String(err)}`);
  expect(err.code).toBe("payment_invalid");
  return err.message;
}

const challenge = async (price = PRICE) => (await paymentRequired(price, RESOURCE)).paymentRequired;
const withRequirement = (pr: PaymentRequired, change: Record<string, unknown>): PaymentRequired => ({
  ...pr,
  accepts: [{ ...pr.accepts[0]!, ...change }],
});

beforeAll(async () => {
  stack = await startLocalX402("x402-test-");
  ({ rpcUrl, usdcMint: usdc, treasury } = stack.ln.info);
});

afterAll(() => stopLocalX402(stack));

describe("x402 requirements and discovery", () => {
  it("issues a decodable v2 requirement whose fee payer is a funded local key kept under DATA_DIR", async () => {
    const { headerValue, paymentRequired: pr } = await paymentRequired(PRICE, RESOURCE, "test call");
    const decoded = decodePaymentRequiredHeader(headerValue);
    expect(decoded).toEqual(pr);
    expect(decoded.x402Version).toBe(2);
    expect(decoded.resource).toMatchObject({ url: RESOURCE, description: "test call" });
    expect(decoded.accepts).toHaveLength(1);
    const file = path.join(stack.dir, "app", FEE_PAYER_FILE);
    const { feePayer } = await getFacilitator();
    expect(decoded.accepts[0]).toEqual({
      scheme: "exact",
      network: "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
      asset: usdc,
      amount: String(PRICE),
      payTo: treasury,
      maxTimeoutSeconds: 90,
      extra: { feePayer },
    });
    expect(fs.existsSync(file)).toBe(true);
    expect((fs.statSync(file).mode & 0o077) === 0).toBe(true);
    expect((await localRpc<{ value: number }>(rpcUrl, "getBalance", [feePayer])).value).toBeGreaterThanOrEqual(1e9);
    // Extensions (bazaar discovery, sign-in-with-x) are the route's to add: lib/gateway/siwx.test.ts, x402-pricing.test.ts.
    expect(decoded.extensions).toEqual({});
  });

  it("serves /.well-known/x402 in x402scan's shape: version, every payable resource, instructions", async () => {
    const res = await call(wellKnown, { path: "/.well-known/x402" });
    expect(res.status).toBe(200);
    expect(res.headers.get("cache-control")).toMatch(/max-age/);
    expect(res.headers.get("access-control-allow-origin")).toBe("*");
    expect(Object.keys(res.json).sort()).toEqual(["instructions", "resources", "version"]);
    expect(res.json.version).toBe(1);
    expect(res.json.resources).toEqual([RESOURCE, "http://localhost:3000/v1/chat/completions"]);
    const text: string = res.json.instructions;
    expect(text).toContain("PAYMENT-SIGNATURE");
    expect(text).toContain("Authorization: Bearer sk_solrouter_");
    expect(text).toContain("http://localhost:3000/openapi.json");
    expect(text).toContain("http://localhost:3000/llms.txt");
    expect(text).toContain(treasury);
    expect(text).toContain(usdc);
    // The per-model amounts are minimums, from the catalogue; the instructions say how a body's price scales.
    for (const m of MODELS) expect(text).toContain(`| \`${m.id}\` | ${m.x402PriceMicro} |`);
    expect(text).toMatch(/maxTokens[\s\S]*rounded up[\s\S]*at least the minimum[\s\S]*context_length_exceeded/);
  });
});

describe.each(testDbKinds())("x402 payments (%s)", (kind) => {
  const { db } = testRuntime(kind);
  let payer: TestPayer;
  beforeAll(async () => {
    payer = await createTestPayer({ rpcUrl, mints: [usdc, stack.ln.info.routerMint] });
  });

  it("verifies, records once, settles: the treasury gains exactly the price", async () => {
    const header = await payer.pay(await challenge());
    const [treasuryBefore, payerBefore] = [
      await tokenBalance(rpcUrl, treasury, usdc),
      await tokenBalance(rpcUrl, payer.address, usdc),
    ];
    let t = performance.now();
    const verified = await verifyPaymentHeader(header, PRICE, RESOURCE);
    const verifyMs = performance.now() - t;
    expect(verified).toMatchObject({
      payer: payer.address,
      amount: BigInt(PRICE),
      network: "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
    });
    expect(verified.messageHash).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await recordAcceptedPayment(db, { ...verified, requestId: "req-1" });
    // The same payment again, on this or any instance sharing the database, is refused.
    expect(await invalidCode(recordAcceptedPayment(db, { ...verified, requestId: "req-2" }))).toBe(
      "This payment was already used.",
    );
    t = performance.now();
    const settled = await settlePayment(verified);
    const settleMs = performance.now() - t;
    console.log(`[x402 timing, ${kind}] verify ${verifyMs.toFixed(0)} ms, settle ${settleMs.toFixed(0)} ms`);
    await markPaymentSettled(db, verified.messageHash, settled.transaction);
    expect(settled).toMatchObject({ payer: payer.address, confirmed: true });
    expect(decodePaymentResponseHeader(settled.headerValue)).toEqual({
      success: true,
      transaction: settled.transaction,
      network: "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
      payer: payer.address,
    });
    expect(await tokenBalance(rpcUrl, treasury, usdc)).toBe(treasuryBefore + BigInt(PRICE));
    expect(await tokenBalance(rpcUrl, payer.address, usdc)).toBe(payerBefore - BigInt(PRICE));
    expect(await findPayment(db, verified.messageHash)).toEqual({
      status: "settled",
      payer: payer.address,
      amount: BigInt(PRICE),
      transaction: settled.transaction,
      requestId: "req-1",
    });
    const tx = await localRpc<{ meta: { err: unknown } }>(rpcUrl, "getTransaction", [
      settled.transaction,
      { encoding: "json", maxSupportedTransactionVersion: 0 },
    ]);
    expect(tx.meta.err).toBeNull();

    // A replayed header never gets past the record step, and the chain refuses it anyway.
    const replay = await verifyPaymentHeader(header, PRICE, RESOURCE).catch((e: unknown) => e);
    if (!(replay instanceof AppError)) await invalidCode(recordAcceptedPayment(db, replay as typeof verified));
    else expect(replay.code).toBe("payment_invalid");
    await invalidCode(settlePayment(verified));
    expect(await tokenBalance(rpcUrl, treasury, usdc)).toBe(treasuryBefore + BigInt(PRICE));
  });

  it("records a payment once even when two requests race", async () => {
    const verified = await verifyPaymentHeader(await payer.pay(await challenge()), PRICE, RESOURCE);
    const results = await Promise.allSettled(
      [1, 2, 3].map((i) => recordAcceptedPayment(db, { ...verified, requestId: `race-${i}` })),
    );
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect((r.reason as AppError).code).toBe("payment_invalid");
    // Broadcast but unconfirmed: stays accepted with its transaction, for an operator to reconcile.
    await markPaymentSettled(db, verified.messageHash, "sig-pending", false);
    expect(await findPayment(db, verified.messageHash)).toMatchObject({
      status: "accepted",
      transaction: "sig-pending",
    });
    await markPaymentSettled(db, verified.messageHash, "sig-final");
    expect(await findPayment(db, verified.messageHash)).toMatchObject({ status: "settled", transaction: "sig-final" });
    await markPaymentFailed(db, verified.messageHash); // too late: a settled payment stays settled
    expect((await findPayment(db, verified.messageHash))?.status).toBe("settled");
  });

  it("leaves the payer whole when a verified payment is never settled", async () => {
    const header = await payer.pay(await challenge());
    const [treasuryBefore, payerBefore] = [
      await tokenBalance(rpcUrl, treasury, usdc),
      await tokenBalance(rpcUrl, payer.address, usdc),
    ];
    const verified = await verifyPaymentHeader(header, PRICE, RESOURCE);
    await recordAcceptedPayment(db, verified);
    await markPaymentFailed(db, verified.messageHash); // the model call failed
    expect((await findPayment(db, verified.messageHash))?.status).toBe("failed");
    await invalidCode(recordAcceptedPayment(db, verified));
    await new Promise((r) => setTimeout(r, 1000));
    expect(await tokenBalance(rpcUrl, payer.address, usdc)).toBe(payerBefore);
    expect(await tokenBalance(rpcUrl, treasury, usdc)).toBe(treasuryBefore);
  });

  it("refuses to settle when the payer moved the funds after verification", async () => {
    const drainer = await createTestPayer({ rpcUrl, mints: [usdc], tokens: 5_000n });
    const verified = await verifyPaymentHeader(await drainer.pay(await challenge()), PRICE, RESOURCE);
    const conn = new Connection(rpcUrl, "confirmed");
    const mint = new PublicKey(usdc);
    const sink = await getOrCreateAssociatedTokenAccount(conn, drainer.keypair, mint, Keypair.generate().publicKey);
    const from = getAssociatedTokenAddressSync(mint, drainer.keypair.publicKey);
    await transferChecked(conn, drainer.keypair, from, mint, sink.address, drainer.keypair, 5_000n, 6);
    const treasuryBefore = await tokenBalance(rpcUrl, treasury, usdc);
    await invalidCode(settlePayment(verified));
    expect(await tokenBalance(rpcUrl, treasury, usdc)).toBe(treasuryBefore);
  });

  it("refuses payments for a lower amount, another recipient or another mint, even when the client lies about them", async () => {
    const pr = await challenge();
    const low = withRequirement(pr, { amount: String(PRICE - 1) });
    expect(await invalidCode(verifyPaymentHeader(await payer.pay(low), PRICE, RESOURCE))).toMatch(/exactly/);
    expect(
      await invalidCode(
        verifyPaymentHeader(
          await payer.pay(withRequirement(pr, { payTo: Keypair.generate().publicKey.toBase58() })),
          PRICE,
          RESOURCE,
        ),
      ),
    ).toMatch(/treasury/);
    expect(
      await invalidCode(
        verifyPaymentHeader(await payer.pay(withRequirement(pr, { asset: stack.ln.info.routerMint })), PRICE, RESOURCE),
      ),
    ).toMatch(/USDC/);
    // The transaction pays less (or elsewhere) but `accepted` claims our terms: the facilitator checks the transaction itself.
    const lying = await payer.payload(low);
    lying.accepted = pr.accepts[0]!;
    expect(await invalidCode(verifyPaymentHeader(encodePaymentSignatureHeader(lying), PRICE, RESOURCE))).toMatch(
      /exactly this call's price/,
    );
    const elsewhere = await payer.payload(withRequirement(pr, { payTo: Keypair.generate().publicKey.toBase58() }));
    elsewhere.accepted = pr.accepts[0]!;
    expect(await invalidCode(verifyPaymentHeader(encodePaymentSignatureHeader(elsewhere), PRICE, RESOURCE))).toMatch(
      /treasury/,
    );
    // A payment for the cheap model does not buy the expensive one.
    expect(await invalidCode(verifyPaymentHeader(await payer.pay(pr), MODELS[1]!.x402PriceMicro, RESOURCE))).toMatch(
      /exactly/,
    );
  });
});
