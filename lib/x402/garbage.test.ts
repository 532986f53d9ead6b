import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PaymentPayload } from "@x402/core/types";
import { AppError } from "@/lib/errors";
import { MODELS } from "@/lib/models";
import { startLocalX402, stopLocalX402, type LocalX402 } from "@/lib/test/x402";
import { paymentRequired } from "./requirements";
import { verifyPaymentHeader } from "./verify";
import { createTestPayer } from "@/lib/test/x402-payer";

// Whatever arrives in PAYMENT-SIGNATURE, the answer is payment_invalid (a 402), never a 5xx.
const RESOURCE = "http://localhost:3000/agent";
const PRICE = MODELS[0]!.x402PriceMicro;
let stack: LocalX402;

const b64 = (s: string | Buffer) => Buffer.from(s).toString("base64");
const pick = <T>(xs: T[]): T => xs[Math.floor(Math.random() * xs.length)]!;
function randomJson(depth = 0): unknown {
  const leaves = [
    null,
    true,
    0,
    -1,
    1e308,
    "",
    "x".repeat(Math.floor(Math.random() * 50)),
    randomBytes(8).toString("hex"),
  ];
  if (depth > 2 || Math.random() < 0.3) return pick(leaves);
  if (Math.random() < 0.5) return Array.from({ length: Math.floor(Math.random() * 4) }, () => randomJson(depth + 1));
  const keys = [
    "x402Version",
    "accepted",
    "payload",
    "transaction",
    "scheme",
    "network",
    "amount",
    "payTo",
    "asset",
    "extra",
    "feePayer",
    "resource",
  ];
  return Object.fromEntries(
    Array.from({ length: Math.floor(Math.random() * 6) }, () => [pick(keys), randomJson(depth + 1)]),
  );
}

beforeAll(async () => {
  stack = await startLocalX402("x402-garbage-");
});

afterAll(() => stopLocalX402(stack));

describe("garbage payment headers", () => {
  it("turns every malformed header into payment_invalid", { timeout: 180_000 }, async () => {
    const pr = (await paymentRequired(PRICE, RESOURCE)).paymentRequired;
    const payer = await createTestPayer({ rpcUrl: stack.ln.info.rpcUrl, mints: [stack.ln.info.usdcMint] });
    const good: PaymentPayload = await payer.payload(pr);
    const goodHeader = b64(JSON.stringify(good));
    const txBytes = Buffer.from(good.payload.transaction as string, "base64");
    const withTx = (tx: Buffer | string) =>
      b64(JSON.stringify({ ...good, payload: { transaction: typeof tx === "string" ? tx : tx.toString("base64") } }));

    const headers: string[] = [
      "",
      " ",
      "=",
      "null",
      b64("null"),
      b64("[]"),
      b64("{}"),
      b64("\u0000"),
      "%%%%",
      "a".repeat(40_000),
      b64("x".repeat(20_000)),
    ];
    for (let i = 0; i < 60; i++) headers.push(randomBytes(1 + Math.floor(Math.random() * 400)).toString("base64"));
    for (let i = 0; i < 60; i++) headers.push(b64(JSON.stringify(randomJson())));
    for (let i = 0; i < 30; i++) headers.push(goodHeader.slice(0, Math.floor(Math.random() * goodHeader.length)));
    // Well-formed payloads with broken transactions: truncated, bit-flipped, junk, missing.
    for (let i = 0; i < 15; i++) headers.push(withTx(txBytes.subarray(0, Math.floor(Math.random() * txBytes.length))));
    for (let i = 0; i < 20; i++) {
      const flipped = Buffer.from(txBytes);
      flipped[Math.floor(Math.random() * flipped.length)]! ^= 1 << Math.floor(Math.random() * 8);
      headers.push(withTx(flipped));
    }
    headers.push(
      withTx(""),
      withTx("!!notbase64!!"),
      withTx(randomBytes(300)),
      b64(JSON.stringify({ ...good, payload: {} })),
    );
    headers.push(
      b64(JSON.stringify({ ...good, x402Version: 1 })),
      b64(JSON.stringify({ ...good, accepted: { ...good.accepted, extra: {} } })),
    );
    headers.push(
      b64(JSON.stringify({ ...good, accepted: { ...good.accepted, amount: "1e3" } })),
      b64(JSON.stringify({ ...good, accepted: null })),
    );
    expect(headers.length).toBeGreaterThanOrEqual(200);

    const outcomes = new Map<string, number>();
    for (const h of headers) {
      const err = await verifyPaymentHeader(h, PRICE, RESOURCE).then(
        () => null,
        (e: unknown) => e,
      );
      // A bit flip in a part no check covers (e.g. the memo) may still verify: that is a valid payment.
      if (err === null) continue;
      if (!(err instanceof AppError) || err.code !== "payment_invalid")
        throw new Error(`header ${h.slice(0, 80)}… gave ${String(err)}`);
      outcomes.set(err.message, (outcomes.get(err.message) ?? 0) + 1);
    }
    expect(outcomes.size).toBeGreaterThan(3);
    // The untouched payment still verifies: the checks above are not refusing everything.
    expect((await verifyPaymentHeader(goodHeader, PRICE, RESOURCE)).payer).toBe(payer.address);
  });
});
