import { expect } from "vitest";
import { createTransferCheckedInstruction, TOKEN_PROGRAM_ID } from "@solana/spl-token";
import { PublicKey, type Keypair, type TransactionInstruction } from "@solana/web3.js";
import { call } from "@/lib/test/http";
import type { TestLocalnet } from "@/lib/test/localnet";
import { buildTopupTransaction, memoInstruction } from "@/lib/solana/transfer";
import { POST as create } from "@/app/api/topups/route";
import { POST as confirm } from "@/app/api/topups/[id]/confirm/route";
import { GET as me } from "@/app/api/me/route";

// Top-up steps for integration tests, through the real route handlers and the real local cluster.
export type TestTopup = {
  id: string;
  mint: string;
  decimals: number;
  amount: string;
  payToTokenAccount: string;
  reference: string;
  memo: string;
  status: string;
  expiresAt: string;
  solanaPayUrl: string;
};

export function topupSteps(net: () => TestLocalnet) {
  return {
    async intent(cookie: string, token: "USDC" | "ROUTER", creditMicro: number): Promise<TestTopup> {
      const res = await call(create, { body: { token, creditMicro }, cookie });
      expect(res.status, res.text).toBe(201);
      return res.json.topup;
    },
    balance: async (cookie: string) => (await call(me, { cookie })).json.balanceMicro as number,
    confirmWith: (cookie: string, id: string, signature: string) => call(confirm, { body: { signature }, cookie, params: { id } }),
    /** The browser's transaction, built by the same code, signed and sent for real. */
    async pay(from: Keypair, t: TestTopup, programId = TOKEN_PROGRAM_ID): Promise<string> {
      const tx = buildTopupTransaction(from.publicKey, t, programId, await net().conn.getLatestBlockhash());
      return net().send(from, tx.instructions);
    },
    /** A hand-made variant of the payment, for the refusals. */
    transfer(opts: { from: Keypair; mint: PublicKey; to: PublicKey; amount: bigint; reference?: string; memo?: string }): TransactionInstruction[] {
      const ix = createTransferCheckedInstruction(net().ataOf(opts.from.publicKey, opts.mint), opts.mint, opts.to, opts.from.publicKey, opts.amount, 6);
      if (opts.reference) ix.keys.push({ pubkey: new PublicKey(opts.reference), isSigner: false, isWritable: false });
      return [memoInstruction(opts.memo ?? "test"), ix];
    },
  };
}
