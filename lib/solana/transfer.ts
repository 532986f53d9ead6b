// Builds the top-up payment in the Solana Pay layout (browser and tests): a Memo instruction,
// then a TransferChecked from the payer's associated token account to the treasury's, with the
// intent's reference appended as a read-only, non-signer key so the server can find it.
import { createTransferCheckedInstruction, getAssociatedTokenAddressSync } from "@/lib/solana/spl";
import { PublicKey, Transaction, TransactionInstruction } from "@solana/web3.js";

export const MEMO_PROGRAM_ID = new PublicKey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");

/** The fields of an intent (the contract's `topup`) a payment needs. */
export interface TopupPayment {
  mint: string;
  decimals: number;
  amount: string;
  payToTokenAccount: string;
  reference: string;
  memo: string;
}

export function memoInstruction(memo: string): TransactionInstruction {
  return new TransactionInstruction({
    programId: MEMO_PROGRAM_ID,
    keys: [],
    data: new TextEncoder().encode(memo) as Buffer,
  });
}

/** The payer's token account for the mint, under the mint's token program. */
export function payerTokenAccount(payer: PublicKey, mint: string, programId: PublicKey): PublicKey {
  return getAssociatedTokenAddressSync(new PublicKey(mint), payer, true, programId);
}

export function topupInstructions(
  payer: PublicKey,
  topup: TopupPayment,
  programId: PublicKey,
): TransactionInstruction[] {
  const mint = new PublicKey(topup.mint);
  const transfer = createTransferCheckedInstruction(
    payerTokenAccount(payer, topup.mint, programId),
    mint,
    new PublicKey(topup.payToTokenAccount),
    payer,
    BigInt(topup.amount),
    topup.decimals,
    programId,
  );
  transfer.keys.push({ pubkey: new PublicKey(topup.reference), isSigner: false, isWritable: false });
  return [memoInstruction(topup.memo), transfer];
}

/** An unsigned legacy transaction paying the intent; the caller sets the blockhash it will track. */
export function buildTopupTransaction(
  payer: PublicKey,
  topup: TopupPayment,
  programId: PublicKey,
  blockhash: { blockhash: string; lastValidBlockHeight: number },
): Transaction {
  const tx = new Transaction({ feePayer: payer, ...blockhash });
  tx.add(...topupInstructions(payer, topup, programId));
  return tx;
}
