import { expect } from "vitest";
import { createTransferCheckedInstruction, TOKEN_PROGRAM_ID } from "@/lib/solana/spl";
import { PublicKey, type Keypair, type TransactionInstruction } from "@solana/web3.js";
import { overrideEnv } from "@/lib/env";
import { checkLedger } from "@/lib/billing/ledger-check";
import { resetRuntime } from "@/lib/runtime";
import { closeTestDb, installTestDb, type DbKind, type TestDb } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import type { TestLocalnet } from "@/lib/test/localnet";
import { buildTopupTransaction, memoInstruction, type TopupPayment } from "@solrouter/sdk/topup";
import { POST as create } from "@/app/api/topups/route";
import { POST as confirm } from "@/app/api/topups/[id]/confirm/route";
import { GET as me } from "@/app/api/me/route";

// Top-up steps for integration tests, through the real route handlers and the real local cluster.
export type TestTopup = TopupPayment & { id: string; status: string; expiresAt: string; solanaPayUrl: string };

/** The app pointed at the local cluster, with $ROUTER at a fixed $0.05 so quotes are predictable. */
export const topupEnv = (net: TestLocalnet) => ({
  APP_URL: "http://localhost:3000",
  ROUTER_PRICE_USD: "0.05",
  ...net.env,
});

/** A fresh database per top-up suite (one per database kind), and a funded wallet to pay from. */
export async function openTopupDb(kind: DbKind, net: TestLocalnet): Promise<{ db: TestDb; payer: Keypair }> {
  overrideEnv(topupEnv(net));
  const db = await installTestDb(kind);
  return { db, payer: await net.fundedWallet() };
}

/** Every deposit a suite made, credited, refused or repeated, must have left the books balanced. */
export async function closeTopupDb(db: TestDb): Promise<void> {
  try {
    expect(await checkLedger(db)).toEqual([]);
  } finally {
    await resetRuntime();
    await closeTestDb(db);
  }
}

export function topupSteps(net: () => TestLocalnet) {
  return {
    async intent(cookie: string, token: "USDC" | "ROUTER", creditMicro: number): Promise<TestTopup> {
      const res = await call(create, { body: { token, creditMicro }, cookie });
      expect(res.status, res.text).toBe(201);
      return res.json.topup;
    },
    balance: async (cookie: string) => (await call(me, { cookie })).json.balanceMicro as number,
    confirmWith: (cookie: string, id: string, signature: string) =>
      call(confirm, { body: { signature }, cookie, params: { id } }),
    /** The browser's transaction, built by the same code, signed and sent for real. */
    async pay(from: Keypair, t: TestTopup, programId = TOKEN_PROGRAM_ID): Promise<string> {
      const tx = buildTopupTransaction(from.publicKey, t, programId, await net().conn.getLatestBlockhash());
      return net().send(from, tx.instructions);
    },
    /** A hand-made variant of the payment, for the refusals. */
    transfer(opts: {
      from: Keypair;
      mint: PublicKey;
      to: PublicKey;
      amount: bigint;
      reference?: string;
      memo?: string;
    }): TransactionInstruction[] {
      const ix = createTransferCheckedInstruction(
        net().ataOf(opts.from.publicKey, opts.mint),
        opts.mint,
        opts.to,
        opts.from.publicKey,
        opts.amount,
        6,
      );
      if (opts.reference) ix.keys.push({ pubkey: new PublicKey(opts.reference), isSigner: false, isWritable: false });
      return [memoInstruction(opts.memo ?? "test"), ix];
    },
  };
}
