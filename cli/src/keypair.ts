// A Solana CLI keypair file: the JSON array of 64 bytes `solana-keygen` writes (32-byte seed, then
// the public key). Checked when read, so a wrong file is one clear line, not a signing failure.
import { createPrivateKey, createPublicKey, sign as edSign, type KeyObject } from "node:crypto";
import fs from "node:fs";
import { CliError } from "./errors.js";

// DER PKCS#8 header for a raw 32-byte Ed25519 seed.
const PKCS8_PREFIX = Buffer.from("302e020100300506032b657004220420", "hex");

export interface LoadedKeypair {
  path: string;
  /** The 64 bytes of the file: seed, then public key (what web3.js's Keypair takes). */
  secretKey: Uint8Array;
  publicKey: Uint8Array;
  address: string;
  signMessage(message: Uint8Array): Uint8Array;
}

export function loadKeypair(file: string): LoadedKeypair {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why = code === "ENOENT" ? "does not exist" : code === "EACCES" ? "cannot be read" : "cannot be read";
    throw new CliError(
      "invalid_keypair",
      `Keypair file ${file} ${why}. Create one with solana-keygen new, or pass --keypair <path>.`,
    );
  }
  const bytes = parseBytes(text);
  if (!bytes)
    throw new CliError(
      "invalid_keypair",
      `Keypair file ${file} is not a Solana keypair (a JSON array of 64 numbers 0-255).`,
    );
  const seed = bytes.subarray(0, 32);
  const key: KeyObject = createPrivateKey({ key: Buffer.concat([PKCS8_PREFIX, seed]), format: "der", type: "pkcs8" });
  const derived = createPublicKey(key).export({ format: "der", type: "spki" }).subarray(-32);
  if (!derived.equals(Buffer.from(bytes.subarray(32))))
    throw new CliError("invalid_keypair", `Keypair file ${file} is corrupt: its public key does not match its secret.`);
  const publicKey = bytes.slice(32);
  return {
    path: file,
    secretKey: bytes,
    publicKey,
    address: base58(publicKey),
    signMessage: (message) => new Uint8Array(edSign(null, message, key)),
  };
}

function parseBytes(text: string): Uint8Array | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || value.length !== 64) return undefined;
  if (!value.every((b) => Number.isInteger(b) && b >= 0 && b <= 255)) return undefined;
  return Uint8Array.from(value as number[]);
}

const ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/** Base58 (Bitcoin alphabet), as Solana writes addresses; here to keep web3.js off the start-up path. */
export function base58(bytes: Uint8Array): string {
  let n = BigInt("0x" + (Buffer.from(bytes).toString("hex") || "0"));
  let s = "";
  for (; n > 0n; n /= 58n) s = ALPHABET[Number(n % 58n)] + s;
  for (const b of bytes) {
    if (b !== 0) break;
    s = "1" + s;
  }
  return s;
}
