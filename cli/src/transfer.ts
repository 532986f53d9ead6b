// The top-up payment exactly as the Billing page builds it (lib/solana/transfer.ts, Solana Pay
// layout): a Memo with the intent's memo, then TransferChecked from the payer's associated token
// account to the treasury's, with the intent's reference appended as a read-only non-signer key so
// the server can find the payment. Copied rather than imported because the published CLI cannot
// reach the app's lib/; cli/test checks both produce the same bytes.
import { PublicKey, Transaction, TransactionInstruction } from "@solana/web3.js";

const MEMO_PROGRAM_ID = new PublicKey("MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr");
const ASSOCIATED_TOKEN_PROGRAM_ID = new PublicKey("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
const TRANSFER_CHECKED = 12;

export interface TopupPayment {
  mint: string;
  decimals: number;
  amount: string;
  payToTokenAccount: string;
  reference: string;
  memo: string;
}

export function associatedTokenAccount(owner: PublicKey, mint: PublicKey, programId: PublicKey): PublicKey {
  return PublicKey.findProgramAddressSync(
    [owner.toBuffer(), programId.toBuffer(), mint.toBuffer()],
    ASSOCIATED_TOKEN_PROGRAM_ID,
  )[0];
}

export function topupInstructions(
  payer: PublicKey,
  topup: TopupPayment,
  programId: PublicKey,
): TransactionInstruction[] {
  const mint = new PublicKey(topup.mint);
  const data = Buffer.alloc(10);
  data.writeUInt8(TRANSFER_CHECKED, 0);
  data.writeBigUInt64LE(BigInt(topup.amount), 1);
  data.writeUInt8(topup.decimals, 9);
  const transfer = new TransactionInstruction({
    programId,
    keys: [
      { pubkey: associatedTokenAccount(payer, mint, programId), isSigner: false, isWritable: true },
      { pubkey: mint, isSigner: false, isWritable: false },
      { pubkey: new PublicKey(topup.payToTokenAccount), isSigner: false, isWritable: true },
      { pubkey: payer, isSigner: true, isWritable: false },
      { pubkey: new PublicKey(topup.reference), isSigner: false, isWritable: false },
    ],
    data,
  });
  const memo = new TransactionInstruction({
    programId: MEMO_PROGRAM_ID,
    keys: [],
    data: Buffer.from(topup.memo, "utf8"),
  });
  return [memo, transfer];
}

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
