import { createPublicKey, verify } from "node:crypto";
import { getTransactionDecoder, type Transaction } from "@solana/kit";
import { b58decode, b58encode, invalidParams } from "./json";

export interface CompiledIx {
  programIdIndex: number;
  accounts: number[];
  data: Uint8Array;
}
export interface Lookup {
  accountKey: string;
  writableIndexes: number[];
  readonlyIndexes: number[];
}
export interface ParsedMessage {
  version: "legacy" | 0;
  header: { numRequiredSignatures: number; numReadonlySignedAccounts: number; numReadonlyUnsignedAccounts: number };
  staticKeys: string[];
  recentBlockhash: string;
  instructions: CompiledIx[];
  lookups: Lookup[];
}
export interface ParsedTx {
  signatures: string[];
  message: ParsedMessage;
  /** The same transaction in the shape litesvm's API takes. */
  kitTx: Transaction;
}

export const MEMO_PROGRAMS = new Set([
  "MemoSq4gqABAXKb96qnH8TysNcWxMyWCqXgDLGmfcHr",
  "Memo1UhkJRfHyvLMcVucJwxXeuD728EqVDDwQDxFMNo",
]);
const COMPUTE_BUDGET = "ComputeBudget111111111111111111111111111111";
export const LAMPORTS_PER_SIGNATURE = 5000;

class Reader {
  private pos = 0;
  constructor(private readonly bytes: Uint8Array) {}
  u8(): number {
    if (this.pos >= this.bytes.length) throw new Error("unexpected end of transaction");
    return this.bytes[this.pos++]!;
  }
  peek(): number {
    return this.bytes[this.pos] ?? 0;
  }
  take(n: number): Uint8Array {
    if (this.pos + n > this.bytes.length) throw new Error("unexpected end of transaction");
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  shortVec(): number {
    let value = 0;
    for (let shift = 0; shift < 21; shift += 7) {
      const byte = this.u8();
      value |= (byte & 0x7f) << shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new Error("bad compact-u16");
  }
  bytesList(): number[] {
    return Array.from(this.take(this.shortVec()));
  }
  done(): boolean {
    return this.pos === this.bytes.length;
  }
}

export function parseMessage(bytes: Uint8Array): ParsedMessage {
  const r = new Reader(bytes);
  let version: "legacy" | 0 = "legacy";
  if (r.peek() & 0x80) {
    const v = r.u8() & 0x7f;
    if (v !== 0) throw new Error(`unsupported transaction version ${v}`);
    version = 0;
  }
  const header = {
    numRequiredSignatures: r.u8(),
    numReadonlySignedAccounts: r.u8(),
    numReadonlyUnsignedAccounts: r.u8(),
  };
  const staticKeys = Array.from({ length: r.shortVec() }, () => b58encode(r.take(32)));
  const recentBlockhash = b58encode(r.take(32));
  const instructions = Array.from({ length: r.shortVec() }, () => ({
    programIdIndex: r.u8(),
    accounts: r.bytesList(),
    data: new Uint8Array(r.take(r.shortVec())),
  }));
  const lookups: Lookup[] = [];
  if (version === 0) {
    for (let n = r.shortVec(); n > 0; n--) {
      lookups.push({
        accountKey: b58encode(r.take(32)),
        writableIndexes: r.bytesList(),
        readonlyIndexes: r.bytesList(),
      });
    }
  }
  if (!r.done()) throw new Error("trailing bytes after message");
  return { version, header, staticKeys, recentBlockhash, instructions, lookups };
}

/** Decodes wire bytes, throwing the -32602 a real node answers for undecodable transactions. */
export function parseWire(wire: Uint8Array): ParsedTx {
  try {
    const r = new Reader(wire);
    const signatures = Array.from({ length: r.shortVec() }, () => b58encode(r.take(64)));
    const kitTx = getTransactionDecoder().decode(wire);
    const message = parseMessage(new Uint8Array(kitTx.messageBytes));
    if (signatures.length === 0 || signatures.length !== message.header.numRequiredSignatures) {
      throw new Error("signature count does not match the message header");
    }
    return { signatures, message, kitTx };
  } catch (e) {
    throw invalidParams(`failed to deserialize transaction: ${(e as Error).message}`);
  }
}

export function decodeWireParam(data: unknown, encoding: unknown): Uint8Array {
  if (typeof data !== "string") throw invalidParams("expected an encoded transaction string");
  if (encoding === "base64") return new Uint8Array(Buffer.from(data, "base64"));
  if (encoding === undefined || encoding === null || encoding === "base58") {
    try {
      return b58decode(data);
    } catch {
      throw invalidParams("invalid base58 encoding");
    }
  }
  throw invalidParams(`unsupported encoding: ${String(encoding)}`);
}

const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

/** Checks every signature against its signer key, as a real node does before preflight (-32003 on failure). */
export function verifySignatures(tx: ParsedTx): boolean {
  const message = new Uint8Array(tx.kitTx.messageBytes);
  return tx.signatures.every((sig, i) => {
    const signer = tx.message.staticKeys[i];
    if (!signer) return false;
    const key = createPublicKey({
      key: Buffer.concat([ED25519_SPKI_PREFIX, b58decode(signer)]),
      format: "der",
      type: "spki",
    });
    return verify(null, message, key, b58decode(sig));
  });
}

export function isWritable(msg: ParsedMessage, index: number, loadedWritableCount: number): boolean {
  const { numRequiredSignatures: s, numReadonlySignedAccounts: rs, numReadonlyUnsignedAccounts: ru } = msg.header;
  const n = msg.staticKeys.length;
  if (index < s) return index < s - rs;
  if (index < n) return index < n - ru;
  return index < n + loadedWritableCount;
}

/** The memo field of getSignaturesForAddress, formatted like agave: `[len] text; [len] text`. */
export function extractMemo(msg: ParsedMessage, keys: string[]): string | null {
  const memos = msg.instructions
    .filter((ix) => MEMO_PROGRAMS.has(keys[ix.programIdIndex] ?? ""))
    .map((ix) => `[${ix.data.length}] ${Buffer.from(ix.data).toString("utf8")}`);
  return memos.length ? memos.join("; ") : null;
}

/** Base fee plus prioritization fee, mirroring how the runtime charges (verified against litesvm's debits). */
export function computeFee(msg: ParsedMessage): number {
  let unitLimit: number | undefined;
  let microLamports = 0n;
  let otherIxs = 0;
  for (const ix of msg.instructions) {
    if (msg.staticKeys[ix.programIdIndex] !== COMPUTE_BUDGET) {
      otherIxs++;
      continue;
    }
    const view = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
    if (ix.data[0] === 2 && ix.data.length >= 5) unitLimit = view.getUint32(1, true);
    if (ix.data[0] === 3 && ix.data.length >= 9) microLamports = view.getBigUint64(1, true);
  }
  const limit = BigInt(unitLimit ?? Math.min(1_400_000, 200_000 * otherIxs));
  const priority = (microLamports * limit + 999_999n) / 1_000_000n;
  return LAMPORTS_PER_SIGNATURE * msg.header.numRequiredSignatures + Number(priority);
}
