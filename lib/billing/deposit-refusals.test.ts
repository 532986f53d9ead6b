import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keypair, PublicKey, Transaction } from "@solana/web3.js";
import { testDbKinds, type TestDb } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { testLocalnet } from "@/lib/test/runtime";
import { closeTopupDb, openTopupDb, topupSteps, type TestTopup } from "@/lib/test/topups";
import { memoInstruction } from "@solrouter/sdk/topup";
import { GET as list } from "@/app/api/topups/route";

// Deposits that must be refused with 422 deposit_invalid (or 404), crediting nothing.
const net = testLocalnet();

const { intent, balance, confirmWith, pay, transfer } = topupSteps(() => net);

describe.each(testDbKinds())("deposit verification refuses (%s)", (kind) => {
  let db: TestDb;
  let payer: Keypair;
  beforeAll(async () => {
    ({ db, payer } = await openTopupDb(kind, net));
  });
  afterAll(() => closeTopupDb(db));

  /** A transfer for intent `t` with one thing wrong in it (mint, destination or amount). */
  const payWith = (t: TestTopup, o: { mint: PublicKey; to: PublicKey; amount: bigint }) =>
    net.send(payer, transfer({ from: payer, reference: t.reference, ...o }));

  async function refused(cookie: string, t: TestTopup, sig: string, reason: RegExp) {
    const res = await confirmWith(cookie, t.id, sig);
    expect(res.status).toBe(422);
    expect(res.json.error.code).toBe("deposit_invalid");
    expect(res.json.error.message).toMatch(reason);
    const [row] = await db.query<{ status: string; failure_reason: string | null }>(
      "SELECT status, failure_reason FROM topups WHERE id = $1",
      [t.id],
    );
    expect(row!.status).toBe("pending");
  }

  it("a transfer to the wrong account", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 2_000_000);
    const stranger = Keypair.generate().publicKey;
    await net.rpc("requestTokenAirdrop", [stranger.toBase58(), net.usdc.toBase58(), "0"]);
    const sig = await payWith(t, { mint: net.usdc, to: net.ataOf(stranger, net.usdc), amount: 2_000_000n });
    await refused(a.cookie, t, sig, /did not send USDC to the treasury/);
    expect(await balance(a.cookie)).toBe(0);
  });

  it("one base unit short", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 2_000_000);
    const sig = await payWith(t, { mint: net.usdc, to: new PublicKey(t.payToTokenAccount), amount: 1_999_999n });
    await refused(a.cookie, t, sig, /sent 1\.999999 USDC, less than the 2 USDC/);
    expect(await balance(a.cookie)).toBe(0);
  });

  it("the wrong mint", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 2_000_000);
    const sig = await payWith(t, { mint: net.router, to: net.ataOf(net.treasury, net.router), amount: 2_000_000n });
    await refused(a.cookie, t, sig, /did not send USDC/);
    expect(await balance(a.cookie)).toBe(0);
  });

  it("a signature already credited to another intent", async () => {
    const a = await signedInAccount();
    const first = await intent(a.cookie, "USDC", 1_000_000);
    const second = await intent(a.cookie, "USDC", 1_000_000);
    // One transaction carrying both references and enough for both: it still pays only one intent.
    const ixs = transfer({
      from: payer,
      mint: net.usdc,
      to: new PublicKey(first.payToTokenAccount),
      amount: 2_000_000n,
      reference: first.reference,
    });
    ixs[1]!.keys.push({ pubkey: new PublicKey(second.reference), isSigner: false, isWritable: false });
    const sig = await net.send(payer, ixs);
    expect((await confirmWith(a.cookie, first.id, sig)).status).toBe(200);
    await refused(a.cookie, second, sig, /already credited/);
    expect(await balance(a.cookie)).toBe(1_000_000);
  });

  it("a transfer that failed on chain", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 1_000_000);
    const broke = await net.fundedWallet({ usdc: 10n });
    const { blockhash, lastValidBlockHeight } = await net.conn.getLatestBlockhash();
    const tx = new Transaction({ feePayer: broke.publicKey, blockhash, lastValidBlockHeight }).add(
      ...transfer({
        from: broke,
        mint: net.usdc,
        to: new PublicKey(t.payToTokenAccount),
        amount: 1_000_000n,
        reference: t.reference,
      }),
    );
    tx.sign(broke);
    const sig = await net.conn.sendRawTransaction(tx.serialize(), { skipPreflight: true });
    const landed = await net.conn.confirmTransaction({ signature: sig, blockhash, lastValidBlockHeight });
    expect(landed.value.err).not.toBeNull();
    await refused(a.cookie, t, sig, /failed on chain/);
    expect(await balance(a.cookie)).toBe(0);
  });

  it("an unrelated transaction", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 1_000_000);
    const sig = await net.send(payer, [memoInstruction("hello")]);
    await refused(a.cookie, t, sig, /reference is missing/);
    expect(await balance(a.cookie)).toBe(0);
  });

  it("a transfer without the reference from another wallet", async () => {
    const a = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 1_000_000);
    const someoneElse = await net.fundedWallet();
    const sig = await net.send(
      someoneElse,
      transfer({
        from: someoneElse,
        mint: net.usdc,
        to: new PublicKey(t.payToTokenAccount),
        amount: 1_000_000n,
        memo: t.memo,
      }),
    );
    await refused(a.cookie, t, sig, /reference is missing/);
    expect(await balance(a.cookie)).toBe(0);
  });

  it("another account confirming your intent (404)", async () => {
    const a = await signedInAccount();
    const b = await signedInAccount();
    const t = await intent(a.cookie, "USDC", 1_000_000);
    const sig = await pay(payer, t);
    const res = await confirmWith(b.cookie, t.id, sig);
    expect(res.status).toBe(404);
    expect(res.json.error.code).toBe("not_found");
    expect((await confirmWith(b.cookie, "00000000-0000-4000-8000-000000000000", sig)).status).toBe(404);
    expect((await confirmWith(b.cookie, "nope", sig)).status).toBe(404);
    expect(await balance(b.cookie)).toBe(0);
    expect(await balance(a.cookie)).toBe(0);
    expect((await call(list, { cookie: b.cookie })).json.topups).toEqual([]);
    // The owner still can.
    expect((await confirmWith(a.cookie, t.id, sig)).status).toBe(200);
  });
});
