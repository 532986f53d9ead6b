import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import {
  createMint,
  getOrCreateAssociatedTokenAccount,
  mintTo,
  TOKEN_2022_PROGRAM_ID,
  TOKEN_PROGRAM_ID,
} from "@solana/spl-token";
import { PublicKey, type Keypair } from "@solana/web3.js";
import { overrideEnv } from "@/lib/env";
import { logger } from "@/lib/log";
import { testDbKinds, type TestDb } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { testLocalnet } from "@/lib/test/runtime";
import { buildTopupTransaction } from "@solrouter/sdk/topup";
import { closeTopupDb, openTopupDb, topupEnv, topupSteps, type TestTopup } from "@/lib/test/topups";
import { setPriceSource } from "./price-source";
import { GET as list, POST as create } from "@/app/api/topups/route";
import { POST as faucet } from "@/app/api/dev/faucet/route";

const net = testLocalnet();

const { intent, balance, confirmWith, pay } = topupSteps(() => net);
type Topup = TestTopup;

describe.each(testDbKinds())("top-ups against the local cluster (%s)", (kind) => {
  let db: TestDb;
  let payer: Keypair;
  beforeAll(async () => {
    ({ db, payer } = await openTopupDb(kind, net));
  });
  afterAll(() => closeTopupDb(db));

  it("creates a USDC intent per the contract", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 5_000_000);
    expect(t).toMatchObject({
      token: "USDC",
      mint: net.usdc.toBase58(),
      decimals: 6,
      amount: "5000000",
      creditMicro: 5_000_000,
      priceUsd: "1",
      payTo: net.treasury.toBase58(),
      payToTokenAccount: net.ataOf(net.treasury, net.usdc).toBase58(),
      memo: `solrouter:topup:${t.id}`,
      status: "pending",
      signature: null,
    });
    expect(() => new PublicKey(t.reference)).not.toThrow();
    const ttl = Date.parse((t as any).expiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(9 * 60_000);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);
    expect((t as any).solanaPayUrl).toBe(
      `solana:${net.treasury.toBase58()}?amount=5&spl-token=${net.usdc.toBase58()}&reference=${t.reference}&label=Solrouter` +
        `&message=${encodeURIComponent("Top up $5.00 of Solrouter credit")}&memo=${encodeURIComponent(t.memo)}`,
    );
    const other = await intent(a.cookie, "USDC", 1_000_000);
    expect(other.reference).not.toBe(t.reference);
    const listed = await call(list, { cookie: a.cookie });
    expect(listed.json.topups.map((x: Topup) => x.id)).toEqual([other.id, t.id]);
  });

  it("refuses amounts outside $1–$10,000 and unknown tokens", async () => {
    const a = await signedInAccount();
    for (const body of [
      { token: "USDC", creditMicro: 999_999 },
      { token: "USDC", creditMicro: 10_000_000_001 },
      { token: "USDC", creditMicro: 1_500_000.5 },
      { token: "USDC", creditMicro: "5000000" },
      { token: "SOL", creditMicro: 5_000_000 },
      { creditMicro: 5_000_000 },
    ]) {
      const res = await call(create, { body, cookie: a.cookie });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.code).toBe("invalid_request");
    }
    expect(
      (await call(create, { body: { token: "USDC", creditMicro: 10_000_000_000 }, cookie: a.cookie })).status,
    ).toBe(201);
    expect((await call(create, { body: { token: "USDC", creditMicro: 5_000_000 } })).status).toBe(401);
  });

  it("credits a USDC top-up exactly once, with the treasury receiving the amount", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 5_000_000);
    const before = await net.tokenBalance(net.treasury, net.usdc);
    const sig = await pay(payer, t);
    expect(await net.tokenBalance(net.treasury, net.usdc)).toBe(before + 5_000_000n);
    const res = await confirmWith(a.cookie, t.id, sig);
    expect(res.status).toBe(200);
    expect(res.json.balanceMicro).toBe(5_000_000);
    expect(res.json.topup).toMatchObject({ id: t.id, status: "credited", signature: sig });
    expect(res.json.topup.explorerUrl).toBe(
      `https://explorer.solana.com/tx/${sig}?cluster=custom&customUrl=${encodeURIComponent(net.env.SOLANA_RPC_URL!)}`,
    );
    // Asking again is harmless and answers the same.
    const again = await confirmWith(a.cookie, t.id, sig);
    expect(again.status).toBe(200);
    expect(again.json.topup).toEqual(res.json.topup);
    expect(await balance(a.cookie)).toBe(5_000_000);
    const entries = await db.query<{ amount_micro: string; kind: string }>(
      "SELECT amount_micro, kind FROM ledger_entries WHERE reference = $1",
      [`topup:${sig}`],
    );
    expect(entries.map((e) => [BigInt(e.amount_micro), e.kind])).toEqual([[5_000_000n, "topup"]]);
    // The credit wrote one activity event in its transaction; the repeat confirm wrote none.
    const events = await db.query<{ kind: string; details: unknown }>(
      "SELECT kind, details FROM activity_events WHERE account_id = $1",
      [a.accountId],
    );
    expect(events).toEqual([
      { kind: "topup_credited", details: { topupId: t.id, token: "USDC", creditMicro: "5000000", signature: sig } },
    ]);
  });

  it("credits $ROUTER at the price locked into the intent", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "ROUTER", 7_500_000);
    // $7.50 at $0.05 = 150 $ROUTER.
    expect(t).toMatchObject({
      token: "ROUTER",
      mint: net.router.toBase58(),
      amount: "150000000",
      priceUsd: "0.05",
      payToTokenAccount: net.ataOf(net.treasury, net.router).toBase58(),
    });
    // The price moves after the quote: the intent keeps its amount.
    setPriceSource({ name: "test", routerPriceUsd: async () => "0.07" });
    try {
      const later = await intent(a.cookie, "ROUTER", 1_000_000);
      expect(later.amount).toBe("14285715"); // ceil(1 / 0.07 · 10^6)
      const res = await confirmWith(a.cookie, t.id, await pay(payer, t));
      expect(res.status).toBe(200);
      expect(res.json.balanceMicro).toBe(7_500_000);
    } finally {
      setPriceSource(undefined);
    }
  });

  it("takes the token program from the mint (Token-2022) and refuses a token the treasury cannot receive", async () => {
    const a = await signedInAccount();
    const mint2022 = await createMint(
      net.conn,
      payer,
      payer.publicKey,
      null,
      6,
      undefined,
      undefined,
      TOKEN_2022_PROGRAM_ID,
    );
    const orphan = await createMint(net.conn, payer, payer.publicKey, null, 6, undefined, undefined, TOKEN_PROGRAM_ID);
    // The operator creates the treasury's account once; payers never do.
    const treasuryAta = await getOrCreateAssociatedTokenAccount(
      net.conn,
      payer,
      mint2022,
      net.treasury,
      true,
      undefined,
      undefined,
      TOKEN_2022_PROGRAM_ID,
    );
    const payerAta = await getOrCreateAssociatedTokenAccount(
      net.conn,
      payer,
      mint2022,
      payer.publicKey,
      false,
      undefined,
      undefined,
      TOKEN_2022_PROGRAM_ID,
    );
    await mintTo(
      net.conn,
      payer,
      mint2022,
      payerAta.address,
      payer,
      1_000_000_000n,
      [],
      undefined,
      TOKEN_2022_PROGRAM_ID,
    );
    overrideEnv({ ...topupEnv(net), ROUTER_MINT: mint2022.toBase58(), USDC_MINT: orphan.toBase58() });
    try {
      const t = await intent(a.cookie, "ROUTER", 2_000_000);
      expect(t).toMatchObject({
        mint: mint2022.toBase58(),
        amount: "40000000",
        payToTokenAccount: treasuryAta.address.toBase58(),
        tokenProgram: TOKEN_2022_PROGRAM_ID.toBase58(),
      });
      const tx = buildTopupTransaction(payer.publicKey, t, TOKEN_2022_PROGRAM_ID, await net.conn.getLatestBlockhash());
      const res = await confirmWith(a.cookie, t.id, await net.send(payer, tx.instructions));
      expect(res.status).toBe(200);
      expect(res.json.balanceMicro).toBe(2_000_000);

      // The operator's error is logged (asserted here, not printed as if the run had failed).
      const errors = vi.spyOn(logger(), "error").mockImplementation(() => undefined);
      try {
        const refused = await call(create, { body: { token: "USDC", creditMicro: 5_000_000 }, cookie: a.cookie });
        expect(refused.status).toBe(503);
        expect(refused.json.error).toEqual({
          code: "unavailable",
          message: "Top-ups in USDC are not available right now: the treasury is not set up for it.",
        });
        expect(errors.mock.calls.map((c) => c.at(-1))).toEqual(["treasury token setup"]);
      } finally {
        errors.mockRestore();
      }
    } finally {
      overrideEnv(topupEnv(net));
    }
  });

  it("answers 202 while the transaction is unknown", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 1_000_000);
    const unknown = "5".repeat(87);
    const res = await confirmWith(a.cookie, t.id, unknown);
    expect(res.status).toBe(202);
    expect(res.json.topup).toMatchObject({ id: t.id, status: "pending" });
    expect((await confirmWith(a.cookie, t.id, "not-a-signature")).status).toBe(400);
  });

  it("credits once when 20 confirms of one deposit race", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 3_000_000);
    const sig = await pay(payer, t);
    const answers = await Promise.all(Array.from({ length: 20 }, () => confirmWith(a.cookie, t.id, sig)));
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    for (const r of answers) expect(r.json.topup).toEqual(answers[0]!.json.topup);
    expect(new Set(answers.map((r) => r.json.balanceMicro))).toEqual(new Set([3_000_000]));
    expect(await balance(a.cookie)).toBe(3_000_000);
    const [{ n } = { n: -1 }] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM ledger_entries WHERE account_id = $1",
      [a.accountId],
    );
    expect(n).toBe(1);
  });

  it("hands out test tokens on localnet only, a few times per account", async () => {
    const a = await signedInAccount();
    const res = await call(faucet, { method: "POST", cookie: a.cookie });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ lamports: "1000000000", usdc: "1000000000", router: "20000000000" });
    const wallet = new PublicKey(a.wallet);
    expect(await net.conn.getBalance(wallet)).toBe(1_000_000_000);
    expect(await net.tokenBalance(wallet, net.usdc)).toBe(1_000_000_000n);
    expect(await net.tokenBalance(wallet, net.router)).toBe(20_000_000_000n);
    expect((await call(faucet, { method: "POST", cookie: a.cookie })).status).toBe(200);
    expect((await call(faucet, { method: "POST", cookie: a.cookie })).status).toBe(200);
    const limited = await call(faucet, { method: "POST", cookie: a.cookie });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect((await call(faucet, { method: "POST" })).status).toBe(401);
    overrideEnv({ APP_URL: "http://localhost:3000", ...net.env, SOLANA_CLUSTER: "devnet" });
    try {
      for (const cookie of [a.cookie, undefined]) {
        const off = await call(faucet, { method: "POST", cookie });
        expect(off.status).toBe(404);
        expect(off.json.error.code).toBe("not_found");
      }
    } finally {
      overrideEnv(topupEnv(net));
    }
  });
});
