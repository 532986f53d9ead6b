// The sign-in transaction for wallets that cannot sign messages (Ledger and the like): one Memo
// instruction carrying the SIWS text, the account as fee payer and only signer, and a zeroed
// blockhash so the signed transaction can never be processed by the cluster (see README.md).
// Shared by the browser, the CLI's tests and the server's checks; no server-only imports.
import { PublicKey, Transaction, TransactionInstruction } from "@solana/web3.js";

export const MEMO_PROGRAM_ID = new PublicKey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

/** 32 zero bytes: never a blockhash the cluster produced, so the transaction cannot land. */
export const SIGN_IN_BLOCKHASH = "11111111111111111111111111111111";

/** The unsigned sign-in transaction; the wallet signs it and the client posts it to /api/auth/verify. */
export function buildMemoSignInTransaction(address: string, siwsText: string): Transaction {
  const payer = new PublicKey(address);
  const tx = new Transaction({ feePayer: payer, blockhash: SIGN_IN_BLOCKHASH, lastValidBlockHeight: 0 });
  tx.add(
    new TransactionInstruction({
      programId: MEMO_PROGRAM_ID,
      keys: [],
      data: Buffer.from(new TextEncoder().encode(siwsText)),
    }),
  );
  return tx;
}
