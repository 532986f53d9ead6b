import "server-only";
import { verify as cryptoVerify } from "node:crypto";
import bs58 from "bs58";
import {
  normalizeChainId,
  parseSignInMessageText,
  type ParsedSignInMessage,
  type SignInInput,
} from "@/lib/auth/siws-message";

export type SiwsFailureCode = "invalid_message" | "domain_mismatch" | "message_expired" | "invalid_signature";

export type SiwsVerifyResult = { ok: true; address: string } | { ok: false; code: SiwsFailureCode };

export type VerifySignInOutputArgs = {
  /** The challenge as the server stored it; address is unset if the user had not chosen one. */
  issued: SignInInput;
  signedMessage: Uint8Array;
  signature: Uint8Array;
  /** The bytes the signature covers when not signedMessage itself (a memo sign-in's transaction). */
  signedBytes?: Uint8Array;
  publicKey: Uint8Array;
  /** output.account.address as reported by the wallet. */
  accountAddress: string;
  now: Date;
};

/** Tolerated client/server clock difference for issuedAt only. */
export const SIWS_CLOCK_SKEW_MS = 60_000;

// DER SPKI header for a raw 32-byte Ed25519 key; lets node:crypto take the key without a
// separate createPublicKey call. node:crypto measured ~50x faster than tweetnacl here.
const ED25519_SPKI_PREFIX = Buffer.from("302a300506032b6570032100", "hex");

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** Strict UTF-8 decode; null on invalid bytes (a lenient decoder would substitute U+FFFD). */
export function decodeSignedMessage(bytes: Uint8Array): string | null {
  try {
    return utf8.decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Nonce lookup key for finding the stored challenge before full verification. Only a strictly
 * parsed message yields a nonce, so garbage cannot be used to probe the challenge store.
 */
export function extractNonce(text: string): string | null {
  return parseSignInMessageText(text)?.nonce ?? null;
}

function sameChainId(issued: string, signed: string | undefined): boolean {
  if (signed === undefined) return false;
  if (issued === signed) return true;
  const a = normalizeChainId(issued);
  return a !== null && a === normalizeChainId(signed);
}

function sameResources(a: readonly string[] | undefined, b: readonly string[] | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return a.length === b.length && a.every((r, i) => r === b[i]);
}

function fieldsMatchIssued(issued: SignInInput, msg: ParsedSignInMessage): boolean {
  return (
    msg.statement === issued.statement &&
    msg.uri === issued.uri &&
    msg.version === issued.version &&
    sameChainId(issued.chainId, msg.chainId) &&
    msg.nonce === issued.nonce &&
    msg.issuedAt === issued.issuedAt &&
    msg.expirationTime === issued.expirationTime &&
    msg.notBefore === issued.notBefore &&
    msg.requestId === issued.requestId &&
    sameResources(issued.resources, msg.resources)
  );
}

type TimeCheck = "ok" | "expired" | "invalid";

function checkTimes(issued: SignInInput, now: number): TimeCheck {
  const issuedAt = Date.parse(issued.issuedAt);
  const expiresAt = Date.parse(issued.expirationTime);
  const notBefore = issued.notBefore === undefined ? undefined : Date.parse(issued.notBefore);
  if (Number.isNaN(issuedAt) || Number.isNaN(expiresAt) || Number.isNaN(notBefore)) return "invalid";
  if (now > expiresAt) return "expired";
  if (now < issuedAt - SIWS_CLOCK_SKEW_MS) return "expired";
  if (notBefore !== undefined && now < notBefore) return "expired";
  return "ok";
}

function ed25519Verify(message: Uint8Array, signature: Uint8Array, publicKey: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    const der = Buffer.concat([ED25519_SPKI_PREFIX, publicKey]);
    return cryptoVerify(null, message, { key: der, format: "der", type: "spki" }, signature);
  } catch {
    return false;
  }
}

/**
 * Verifies a solana:signIn output (or a signMessage fallback) against the stored challenge.
 * Stricter than the util's verifySignIn: the signed bytes must be exactly the canonical text,
 * domain is mandatory, and the signing key must be the address shown in the message.
 */
export function verifySignInOutput(args: VerifySignInOutputArgs): SiwsVerifyResult {
  const { issued, signedMessage, signature, publicKey, accountAddress, now, signedBytes } = args;
  const fail = (code: SiwsFailureCode): SiwsVerifyResult => ({ ok: false, code });

  const text = decodeSignedMessage(signedMessage);
  if (text === null) return fail("invalid_message");
  const msg = parseSignInMessageText(text);
  if (msg === null) return fail("invalid_message");

  // Checked before other fields so a phishing site relaying our challenge gets a distinct code.
  if (msg.domain !== issued.domain) return fail("domain_mismatch");
  if (!fieldsMatchIssued(issued, msg)) return fail("invalid_message");
  // The wallet may fill in an address we did not issue, but must not swap one we did.
  if (issued.address !== undefined && msg.address !== issued.address) return fail("invalid_message");
  if (msg.address !== accountAddress) return fail("invalid_message");

  const time = checkTimes(issued, now.getTime());
  if (time === "invalid") return fail("invalid_message");
  if (time === "expired") return fail("message_expired");

  // Without this, any key could sign a message naming someone else's address.
  if (publicKey.length !== 32 || bs58.encode(publicKey) !== msg.address) return fail("invalid_signature");
  if (!ed25519Verify(signedBytes ?? signedMessage, signature, publicKey)) return fail("invalid_signature");

  return { ok: true, address: msg.address };
}
