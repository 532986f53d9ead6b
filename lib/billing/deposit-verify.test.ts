import { describe, expect, it } from "vitest";
import type { RpcTransaction } from "@/lib/solana/rpc";
import { checkDeposit, type DepositExpectation } from "./deposit-verify";

// Shapes as getTransaction (encoding json) returns them; the chain-backed cases are in topups.test.ts.
const exp: DepositExpectation = {
  token: "USDC",
  reference: "Ref1111111111111111111111111111111111111111",
  mint: "Mint111111111111111111111111111111111111111",
  decimals: 6,
  treasuryTokenAccount: "Trsy111111111111111111111111111111111111111",
  amount: 5_000_000n,
  expiresAt: new Date("2030-01-01T00:10:00Z"),
};

function tx(over: {
  keys?: string[];
  loaded?: { writable: string[]; readonly: string[] };
  pre?: [number, string, string][];
  post?: [number, string, string][];
  err?: unknown;
  blockTime?: number | null;
}): RpcTransaction {
  const bal = (l: [number, string, string][]) =>
    l.map(([accountIndex, mint, amount]) => ({ accountIndex, mint, uiTokenAmount: { amount, decimals: 6 } }));
  return {
    slot: 10,
    blockTime: over.blockTime === undefined ? Date.parse("2030-01-01T00:05:00Z") / 1000 : over.blockTime,
    transaction: {
      signatures: ["sig"],
      message: { accountKeys: over.keys ?? ["Payer", "PayerAta", exp.treasuryTokenAccount, exp.mint, exp.reference] },
    },
    meta: {
      err: over.err ?? null,
      loadedAddresses: over.loaded ?? { writable: [], readonly: [] },
      preTokenBalances: bal(
        over.pre ?? [
          [1, exp.mint, "9000000"],
          [2, exp.mint, "100"],
        ],
      ),
      postTokenBalances: bal(
        over.post ?? [
          [1, exp.mint, "4000000"],
          [2, exp.mint, "5000100"],
        ],
      ),
    },
  };
}

describe("checkDeposit", () => {
  it("accepts the intent's amount or more into the treasury account", () => {
    expect(checkDeposit(tx({}), exp)).toMatchObject({ ok: true, received: 5_000_000n });
    expect(checkDeposit(tx({ post: [[2, exp.mint, "6000100"]] }), exp)).toMatchObject({
      ok: true,
      received: 6_000_000n,
    });
    // A treasury account created by the payment itself has no pre balance.
    expect(checkDeposit(tx({ pre: [], post: [[2, exp.mint, "5000000"]] }), exp)).toMatchObject({ ok: true });
    expect(checkDeposit(tx({ blockTime: null }), exp)).toMatchObject({ ok: true });
  });

  it("finds the treasury account and the reference among lookup-table addresses (v0)", () => {
    const v0 = tx({
      keys: ["Payer", "PayerAta", exp.mint],
      loaded: { writable: [exp.treasuryTokenAccount], readonly: [exp.reference] },
      pre: [[3, exp.mint, "0"]],
      post: [[3, exp.mint, "5000000"]],
    });
    expect(checkDeposit(v0, exp)).toMatchObject({ ok: true });
  });

  it("refuses failures, missing references, other mints, short or late payments", () => {
    expect(checkDeposit(tx({ err: { InstructionError: [1, { Custom: 1 }] } }), exp)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/failed on chain/),
    });
    expect(checkDeposit(tx({ keys: ["Payer", "PayerAta", exp.treasuryTokenAccount, exp.mint] }), exp)).toMatchObject({
      reason: expect.stringMatching(/reference is missing/),
    });
    expect(checkDeposit(tx({ pre: [[2, "Other", "0"]], post: [[2, "Other", "5000000"]] }), exp)).toMatchObject({
      reason: expect.stringMatching(/did not send USDC/),
    });
    expect(checkDeposit(tx({ post: [[2, exp.mint, "5000099"]] }), exp)).toMatchObject({
      reason: expect.stringMatching(/sent 4\.999999 USDC, less than the 5 USDC/),
    });
    // Balances at another index (the payer's account) are not the treasury's.
    expect(checkDeposit(tx({ pre: [[1, exp.mint, "0"]], post: [[1, exp.mint, "5000000"]] }), exp)).toMatchObject({
      ok: false,
    });
    expect(checkDeposit(tx({ blockTime: Date.parse("2030-01-01T00:10:01Z") / 1000 }), exp)).toMatchObject({
      reason: expect.stringMatching(/after the top-up had expired/),
    });
    expect(checkDeposit({ ...tx({}), meta: null }, exp)).toMatchObject({ ok: false });
  });
});
