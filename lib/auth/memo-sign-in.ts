import "server-only";
import { VersionedTransaction } from "@solana/web3.js";
import { AppError } from "@/lib/errors";
import { MEMO_PROGRAM_ID, SIGN_IN_BLOCKHASH } from "./memo-sign-in-tx";
import type { SignInOutputBytes } from "./sign-in";

export interface MemoSignInBody {
  transaction: Uint8Array;
  account: { address: string; publicKey: Uint8Array };
}

const refuse = (why: string) => new AppError("invalid_transaction", `The sign-in transaction ${why}.`);

/**
 * Opens a memo sign-in transaction (see README.md) into the shape a signed message has: the
 * memo's bytes are the signed text, and the signature covers the transaction message that
 * contains them. Only the transaction's structure is checked here; the text, nonce, times,
 * domain and signature go through exactly the checks a signed message does.
 */
export function openMemoSignIn(body: MemoSignInBody): SignInOutputBytes {
  let tx: VersionedTransaction;
  try {
    tx = VersionedTransaction.deserialize(body.transaction);
  } catch {
    throw refuse("is not a valid Solana transaction");
  }
  const msg = tx.message;
  const keys = msg.staticAccountKeys.map((k) => k.toBase58());
  if (msg.addressTableLookups.length > 0) throw refuse("must not use address lookup tables");
  if (msg.header.numRequiredSignatures !== 1 || tx.signatures.length !== 1)
    throw refuse("must have exactly one signer");
  if (keys[0] !== body.account.address) throw refuse("must be paid for and signed by the signing-in account");
  if (msg.header.numReadonlySignedAccounts !== 0) throw refuse("has an unexpected account layout");
  // Only the memo: no transfer, no nonce advance, no compute-budget price; nothing but the fee
  // could move, and the zeroed blockhash keeps even that from happening.
  if (msg.compiledInstructions.length !== 1) throw refuse("must contain only the sign-in memo");
  const [ix] = msg.compiledInstructions;
  if (keys[ix!.programIdIndex] !== MEMO_PROGRAM_ID.toBase58()) throw refuse("must contain only a Memo instruction");
  if (ix!.accountKeyIndexes.length !== 0) throw refuse("memo must not name accounts");
  if (keys.length !== 2) throw refuse("must name only the account and the Memo program");
  if (msg.recentBlockhash !== SIGN_IN_BLOCKHASH) throw refuse(`must use the blockhash ${SIGN_IN_BLOCKHASH}`);

  return {
    address: body.account.address,
    publicKey: body.account.publicKey,
    signedMessage: Uint8Array.from(ix!.data),
    signature: tx.signatures[0]!,
    signedBytes: msg.serialize(),
  };
}
