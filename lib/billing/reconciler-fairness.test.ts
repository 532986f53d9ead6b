import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { PublicKey, SystemProgram, Transaction, type Keypair, type TransactionInstruction } from "@solana/web3.js";
import { logger } from "@/lib/log";
import { testDbKinds, type TestDb } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { testLocalnet } from "@/lib/test/runtime";
import { closeTopupDb, openTopupDb, topupSteps, type TestTopup } from "@/lib/test/topups";
import { memoInstruction } from "@solrouter/sdk/topup";
import { reconcileOnce, type ReconcilerOptions } from "./reconciler";
import { createTopup, MAX_OPEN_TOPUPS, TOPUP_TTL_MS } from "./topups";
import { GET as list, POST as create } from "@/app/api/topups/route";

// The reconciler under abuse: a flood of unpaid intents from several accounts, junk transactions
// burying a payment's reference, and a payment that can never be credited (its signature was
// credited to another intent). The phone (Solana Pay) flow depends on the reconciler alone.

const net = testLocalnet();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const { intent, balance, pay } = topupSteps(() => net);

describe.each(testDbKinds())("deposit reconciler under abuse (%s)", (kind) => {
  let db: TestDb;
  let payer: Keypair;
  beforeAll(async () => {
    ({ db, payer } = await openTopupDb(kind, net));
  });
  afterAll(() => closeTopupDb(db));
  afterEach(() => vi.restoreAllMocks());

  const row = async (id: string) =>
    (
      await db.query<{ status: string; signature: string | null; failure_reason: string | null }>(
        "SELECT status, signature, failure_reason FROM topups WHERE id = $1",
        [id],
      )
    )[0]!;
  const entries = async (accountId: string) =>
    (
      await db.query<{ n: number }>("SELECT count(*)::int AS n FROM ledger_entries WHERE account_id = $1", [accountId])
    )[0]!.n;
  const refKey = (t: { reference: string }) => ({
    pubkey: new PublicKey(t.reference),
    isSigner: false,
    isWritable: false,
  });

  /** Sends without preflight and waits until the transaction landed (failed or not). */
  async function land(ixs: TransactionInstruction[]): Promise<string> {
    const { blockhash, lastValidBlockHeight } = await net.conn.getLatestBlockhash();
    const tx = new Transaction({ feePayer: payer.publicKey, blockhash, lastValidBlockHeight }).add(...ixs);
    tx.sign(payer);
    const sig = await net.conn.sendRawTransaction(tx.serialize(), { skipPreflight: true });
    for (let i = 0; i < 100; i++) {
      if ((await net.conn.getSignatureStatuses([sig])).value[0]?.confirmationStatus) return sig;
      await sleep(50);
    }
    throw new Error(`never landed: ${sig}`);
  }

  /** Every kind of junk naming the reference: dust, wrong mint, too little, wrong destination, failed. */
  async function bury(t: TestTopup, count: number): Promise<void> {
    const { transfer } = topupSteps(() => net);
    const usdcAta = net.ataOf(net.treasury, net.usdc);
    const { reference } = t;
    // Each with its own memo, or identical junk would be one signature.
    const kinds: ((memo: string) => TransactionInstruction[])[] = [
      (memo) => {
        const dust = SystemProgram.transfer({ fromPubkey: payer.publicKey, toPubkey: net.treasury, lamports: 1 });
        dust.keys.push(refKey(t));
        return [memoInstruction(memo), dust];
      },
      (memo) =>
        transfer({
          from: payer,
          mint: net.router,
          to: net.ataOf(net.treasury, net.router),
          amount: BigInt(t.amount),
          reference,
          memo,
        }),
      (memo) => transfer({ from: payer, mint: net.usdc, to: usdcAta, amount: BigInt(t.amount) - 1n, reference, memo }),
      (memo) =>
        transfer({
          from: payer,
          mint: net.usdc,
          to: net.ataOf(payer.publicKey, net.usdc),
          amount: BigInt(t.amount),
          reference,
          memo,
        }),
      (memo) => transfer({ from: payer, mint: net.usdc, to: usdcAta, amount: 10n ** 15n, reference, memo }),
    ];
    for (let i = 0; i < count; i++) await land(kinds[i % kinds.length]!(`junk ${i}`));
  }

  it("credits a paid intent within a bounded number of passes while four accounts flood unpaid intents", async () => {
    const opts: ReconcilerOptions = { intervalMs: 200, batchSize: 5 };
    const pass = async () => {
      await reconcileOnce(opts);
      await sleep(opts.intervalMs!);
    };
    const victim = await signedInAccount();
    const t = await intent(victim.cookie, "USDC", 3_000_000);
    // The phone user takes a moment: the intent has been looked at (and backed off) a few times.
    for (let i = 0; i < 3; i++) await pass();
    const flooders = await Promise.all([1, 2, 3, 4].map(() => signedInAccount()));
    for (let i = 0; i < MAX_OPEN_TOPUPS; i++) for (const f of flooders) await intent(f.cookie, "USDC", 1_000_000);
    await pay(payer, t);
    let passes = 0;
    while ((await row(t.id)).status !== "credited" && passes < 40) {
      await pass();
      passes++;
    }
    // Bound: the victim's backoff (≤ 800 ms = 4 passes after three empty looks) plus one turn
    // through the 20 open flood intents ahead of it in the due lane (20 / 5 per pass = 4 passes), plus one.
    console.info(
      `[${kind}] paid intent credited after ${passes} passes with ${4 * MAX_OPEN_TOPUPS} flood intents open`,
    );
    expect(passes).toBeLessThanOrEqual(9);
    expect(await balance(victim.cookie)).toBe(3_000_000);
    expect(await entries(victim.accountId)).toBe(1);
  });

  it("finds the payment among junk transactions naming its reference, before and after it, and credits it once", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 2_000_000);
    await bury(t, 6);
    const sig = await pay(payer, t);
    await bury(t, 24);
    // Pages of 10 signatures, so finding it takes paging back with `before`.
    for (let i = 0; i < 3; i++) await reconcileOnce({ intervalMs: 0, pageSize: 10 });
    expect(await row(t.id)).toMatchObject({ status: "credited", signature: sig });
    expect(await balance(a.cookie)).toBe(2_000_000);
    expect(await entries(a.accountId)).toBe(1);
  });

  it("credits a payment buried after expiry instead of closing the intent, and closes one whose junk hides no payment only after a full scan", async () => {
    const a = await signedInAccount();
    // Paid just in time, then buried under 24 junk transactions; found only after expiry.
    const paid = await createTopup(
      a.accountId,
      { token: "USDC", creditMicro: 2_000_000n },
      new Date(Date.now() - TOPUP_TTL_MS + 20_000),
    );
    const unpaid = await createTopup(
      a.accountId,
      { token: "USDC", creditMicro: 1_000_000n },
      new Date(Date.now() - TOPUP_TTL_MS + 20_000),
    );
    const sig = await pay(payer, paid as unknown as TestTopup);
    await bury(paid as unknown as TestTopup, 21);
    await bury(unpaid as unknown as TestTopup, 15);
    while (Date.now() <= Date.parse(paid.expiresAt)) await sleep(200);
    // At most 10 transactions fetched per intent per pass: the first passes cannot cover the window.
    const opts = { intervalMs: 0, graceMs: 0, maxFetches: 10 };
    const first = await reconcileOnce(opts);
    expect(first.expired).toBe(0);
    expect((await row(unpaid.id)).status).toBe("pending");
    for (let i = 0; i < 3; i++) await reconcileOnce(opts);
    expect(await row(paid.id)).toMatchObject({ status: "credited", signature: sig });
    expect((await row(unpaid.id)).status).toBe("expired");
    expect(await balance(a.cookie)).toBe(2_000_000);
    expect(await entries(a.accountId)).toBe(1);
  }, 60_000);

  it("refuses an intent past the per-account cap of open intents with the contract error, and creates nothing", async () => {
    const a = await signedInAccount();
    // Concurrent creates count each other: exactly the cap succeeds.
    const results = await Promise.all(
      Array.from({ length: MAX_OPEN_TOPUPS + 3 }, () =>
        call(create, { body: { token: "USDC", creditMicro: 1_000_000 }, cookie: a.cookie }),
      ),
    );
    expect(results.filter((r) => r.status === 201)).toHaveLength(MAX_OPEN_TOPUPS);
    const refused = results.filter((r) => r.status !== 201);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(r.json).toEqual({
        error: { code: "too_many_topups", message: expect.stringMatching(/5 unpaid top-ups open/) },
      });
    }
    const open = async () =>
      (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM topups WHERE account_id = $1", [a.accountId]))[0]!
        .n;
    expect(await open()).toBe(MAX_OPEN_TOPUPS);
    expect((await call(create, { body: { token: "USDC", creditMicro: 1_000_000 }, cookie: a.cookie })).status).toBe(
      409,
    );
    expect(await open()).toBe(MAX_OPEN_TOPUPS);
    // Paying one frees a place; other accounts were never affected.
    const [listed] = (await call(list, { cookie: a.cookie })).json.topups as TestTopup[];
    await pay(payer, listed!);
    for (let i = 0; i < 20 && (await row(listed!.id)).status !== "credited"; i++)
      await reconcileOnce({ intervalMs: 0 });
    expect((await call(create, { body: { token: "USDC", creditMicro: 1_000_000 }, cookie: a.cookie })).status).toBe(
      201,
    );
    const b = await signedInAccount();
    expect((await call(create, { body: { token: "USDC", creditMicro: 1_000_000 }, cookie: b.cookie })).status).toBe(
      201,
    );
  });

  it("logs a payment it cannot credit once, not every pass", async () => {
    const a = await signedInAccount();
    const first = await intent(a.cookie, "USDC", 1_000_000);
    const second = await intent(a.cookie, "USDC", 1_000_000);
    // One transfer naming both references: it can pay one intent, never both.
    const { transfer } = topupSteps(() => net);
    const ixs = transfer({
      from: payer,
      mint: net.usdc,
      to: net.ataOf(net.treasury, net.usdc),
      amount: 1_000_000n,
      reference: first.reference,
    });
    ixs[1]!.keys.push(refKey(second));
    await net.send(payer, ixs);
    const warn = vi.spyOn(logger(), "warn");
    for (let i = 0; i < 10; i++) await reconcileOnce({ intervalMs: 0 });
    const lines = warn.mock.calls.filter((c) => c.includes("reconciler could not credit" as never));
    expect(lines).toHaveLength(1);
    expect((await row(first.id)).status).toBe("credited");
    expect(await row(second.id)).toMatchObject({
      status: "pending",
      failure_reason: "This transaction was already credited to another top-up.",
    });
    expect(await entries(a.accountId)).toBe(1);
  });
});
