// The few SPL Token instructions and addresses the app, the browser and the local cluster build.
// Written here instead of imported from @solana/spl-token: that package loads bigint-buffer, whose
// native part only builds from source (its install script is denied), so every process that
// imported it printed "bigint: Failed to load bindings" at start. spl-token stays a dev
// dependency; spl.test.ts checks these against it byte for byte.
import { PublicKey, TransactionInstruction, type AccountMeta } from "@solana/web3.js";

export const TOKEN_PROGRAM_ID = new PublicKey("TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA");
export const TOKEN_2022_PROGRAM_ID = new PublicKey("TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb");
export const ASSOCIATED_TOKEN_PROGRAM_ID = new PublicKey("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
/** Bytes of a mint account without extensions. */
export const MINT_SIZE = 82;

// Token program instruction tags.
const INITIALIZE_MINT_2 = 20;
const TRANSFER_CHECKED = 12;
const MINT_TO_CHECKED = 14;
// Associated token program: CreateIdempotent.
const ATA_CREATE_IDEMPOTENT = 1;

const meta = (pubkey: PublicKey, isSigner: boolean, isWritable: boolean): AccountMeta => ({
  pubkey,
  isSigner,
  isWritable,
});

function amountAndDecimals(tag: number, amount: bigint, decimals: number): Buffer {
  const data = Buffer.alloc(10);
  data.writeUInt8(tag, 0);
  // Not Buffer.writeBigUInt64LE: the browser's Buffer polyfill lacks it (the Billing page builds this).
  new DataView(data.buffer, data.byteOffset, data.byteLength).setBigUint64(1, amount, true);
  data.writeUInt8(decimals, 9);
  return data;
}

export function getAssociatedTokenAddressSync(
  mint: PublicKey,
  owner: PublicKey,
  allowOwnerOffCurve = false,
  programId = TOKEN_PROGRAM_ID,
): PublicKey {
  if (!allowOwnerOffCurve && !PublicKey.isOnCurve(owner.toBuffer()))
    throw new Error("The token account owner is off the curve.");
  return PublicKey.findProgramAddressSync(
    [owner.toBuffer(), programId.toBuffer(), mint.toBuffer()],
    ASSOCIATED_TOKEN_PROGRAM_ID,
  )[0];
}

/** TransferChecked with a single-signer owner. */
export function createTransferCheckedInstruction(
  source: PublicKey,
  mint: PublicKey,
  destination: PublicKey,
  owner: PublicKey,
  amount: bigint,
  decimals: number,
  programId = TOKEN_PROGRAM_ID,
): TransactionInstruction {
  const keys = [
    meta(source, false, true),
    meta(mint, false, false),
    meta(destination, false, true),
    meta(owner, true, false),
  ];
  return new TransactionInstruction({ programId, keys, data: amountAndDecimals(TRANSFER_CHECKED, amount, decimals) });
}

/** MintToChecked with a single-signer mint authority. */
export function createMintToCheckedInstruction(
  mint: PublicKey,
  destination: PublicKey,
  authority: PublicKey,
  amount: bigint,
  decimals: number,
  programId = TOKEN_PROGRAM_ID,
): TransactionInstruction {
  const keys = [meta(mint, false, true), meta(destination, false, true), meta(authority, true, false)];
  return new TransactionInstruction({ programId, keys, data: amountAndDecimals(MINT_TO_CHECKED, amount, decimals) });
}

export function createInitializeMint2Instruction(
  mint: PublicKey,
  decimals: number,
  mintAuthority: PublicKey,
  freezeAuthority: PublicKey | null,
  programId = TOKEN_PROGRAM_ID,
): TransactionInstruction {
  // tag, decimals, mint authority, then the freeze authority as an option: 0, or 1 and the key.
  const data = Buffer.alloc(freezeAuthority ? 67 : 35);
  data.writeUInt8(INITIALIZE_MINT_2, 0);
  data.writeUInt8(decimals, 1);
  mintAuthority.toBuffer().copy(data, 2);
  if (freezeAuthority) {
    data.writeUInt8(1, 34);
    freezeAuthority.toBuffer().copy(data, 35);
  }
  return new TransactionInstruction({ programId, keys: [meta(mint, false, true)], data });
}

export function createAssociatedTokenAccountIdempotentInstruction(
  payer: PublicKey,
  associatedToken: PublicKey,
  owner: PublicKey,
  mint: PublicKey,
  programId = TOKEN_PROGRAM_ID,
): TransactionInstruction {
  const keys = [
    meta(payer, true, true),
    meta(associatedToken, false, true),
    meta(owner, false, false),
    meta(mint, false, false),
    meta(new PublicKey("11111111111111111111111111111111"), false, false),
    meta(programId, false, false),
  ];
  return new TransactionInstruction({
    programId: ASSOCIATED_TOKEN_PROGRAM_ID,
    keys,
    data: Buffer.from([ATA_CREATE_IDEMPOTENT]),
  });
}
