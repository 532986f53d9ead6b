// `@solrouter/sdk/topup`: the top-up payment for an intent from `POST /api/topups`, in the Solana
// Pay layout the server's reconciler looks for: a Memo carrying the intent's memo, then a
// TransferChecked from the payer's associated token account to the treasury's, with the intent's
// reference appended as a read-only non-signer key so the server can find the payment.
//
// One builder for every payer: the dashboard's Billing page, the `solrouter topup` command and
// agents with a keypair. It runs in browsers (no Buffer methods beyond what web3.js ships) and
// needs `@solana/web3.js` v1 (an optional peer: the rest of the SDK does not load it).
import { PublicKey, Transaction, TransactionInstruction } from "@solana/web3.js";

export const MEMO_PROGRAM_ID = new PublicKey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
const ASSOCIATED_TOKEN_PROGRAM_ID = new PublicKey("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
/** The token programs' TransferChecked tag (the same in Token and Token-2022). */
const TRANSFER_CHECKED = 12;

type InstructionData = TransactionInstruction["data"];

/** The fields of an intent (the contract's `topup`) a payment needs. */
export interface TopupPayment {
  mint: string;
  decimals: number;
  /** Base units, as a decimal string. */
  amount: string;
  payToTokenAccount: string;
  reference: string;
  memo: string;
}

export function memoInstruction(memo: string): TransactionInstruction {
  const data = new TextEncoder().encode(memo) as InstructionData;
  return new TransactionInstruction({ programId: MEMO_PROGRAM_ID, keys: [], data });
}

/** The payer's associated token account for the mint, under the mint's token program. */
export function payerTokenAccount(payer: PublicKey, mint: string, programId: PublicKey): PublicKey {
  const seeds = [payer.toBuffer(), programId.toBuffer(), new PublicKey(mint).toBuffer()];
  return PublicKey.findProgramAddressSync(seeds, ASSOCIATED_TOKEN_PROGRAM_ID)[0];
}

/** Tag, amount (u64, little-endian), decimals: written through a DataView because the browser's
 * Buffer polyfill lacks the 64-bit writers. */
function transferCheckedData(amount: bigint, decimals: number): InstructionData {
  const bytes = new Uint8Array(10);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, TRANSFER_CHECKED);
  view.setBigUint64(1, amount, true);
  view.setUint8(9, decimals);
  return bytes as InstructionData;
}

export function topupInstructions(
  payer: PublicKey,
  topup: TopupPayment,
  programId: PublicKey,
): TransactionInstruction[] {
  const account = (pubkey: PublicKey, isWritable: boolean, isSigner = false) => ({ pubkey, isSigner, isWritable });
  const transfer = new TransactionInstruction({
    programId,
    keys: [
      account(payerTokenAccount(payer, topup.mint, programId), true),
      account(new PublicKey(topup.mint), false),
      account(new PublicKey(topup.payToTokenAccount), true),
      account(payer, false, true),
      account(new PublicKey(topup.reference), false),
    ],
    data: transferCheckedData(BigInt(topup.amount), topup.decimals),
  });
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
