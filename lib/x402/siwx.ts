import "server-only";
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import {
  buildSIWxSchema,
  parseSIWxHeader,
  SIGN_IN_WITH_X,
  validateSIWxMessage,
  verifySIWxSignature,
  type SIWxPayload,
} from "@x402/extensions/sign-in-with-x";
import { getDb } from "@/lib/db";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { ensurePart, peekPart, setPart } from "@/lib/runtime";
import { siwxNonceKey, spendSiwxNonce } from "@/lib/auth/store";

// Sign in with x402 (the x402 `sign-in-with-x` extension, Solana flavour): a wallet that already
// has a Solrouter balance proves who it is with a signed SIWS message instead of paying again.
// Every 402 offers a fresh challenge; the proof comes back in the `sign-in-with-x` header.
//
// Why a proof cannot be replayed or used elsewhere (the dashboard sign-in's checks, by other means):
// - the nonce is ours: random bytes plus an HMAC, under a key every instance shares (kept in the
//   database), over the nonce, the domain and the message's issue and expiry times — so a client
//   cannot pick its own nonce nor stretch its lifetime, and issuing one costs no database write
//   (a flood of 402s writes nothing);
// - the nonce is spent once, by a primary-key insert, before the call is served: of any number of
//   concurrent replays exactly one proceeds; the spent row lives until the message expires;
// - the message is bound to this origin (domain and URI), to this cluster's chain id, and lives
//   at most LIFETIME_S; the signature is Ed25519 by the address it names.
// Nothing here moves money: what the proof buys is a prepaid call, reserved and metered like a key's.

export const SIWX_HEADER = SIGN_IN_WITH_X;
const LIFETIME_S = 300;
const STATEMENT = "Sign in to Solrouter to pay for this call from your prepaid balance.";

function nonceKey(): Promise<Buffer> {
  const key = ensurePart("siwxNonceKey", () =>
    getDb()
      .then((db) => siwxNonceKey(db, randomBytes(32).toString("hex")))
      .then((hex) => Buffer.from(hex, "hex")),
  );
  // A failed read is not kept: the next 402 tries again.
  key.catch(() => peekPart("siwxNonceKey") === key && setPart("siwxNonceKey", undefined));
  return key;
}

const mac = (key: Buffer, parts: string[]) =>
  createHmac("sha256", key).update(parts.join("\n")).digest("hex").slice(0, 32);

/**
 * The `sign-in-with-x` extension for a 402 from `resourceUrl`: a fresh nonce for one proof on
 * `network` (the CAIP-2 id the payment requirement names). Null when the nonce key is unreadable.
 */
export async function siwxChallenge(resourceUrl: string, network: string, now = new Date()) {
  const key = await nonceKey().catch(() => null);
  if (!key) return null;
  const { host: domain, origin } = new URL(env().APP_URL);
  const issuedAt = now.toISOString();
  const expirationTime = new Date(now.getTime() + LIFETIME_S * 1000).toISOString();
  const salt = randomBytes(12).toString("hex");
  const nonce = salt + mac(key, [salt, domain, issuedAt, expirationTime]);
  return {
    [SIGN_IN_WITH_X]: {
      info: {
        domain,
        uri: origin,
        statement: STATEMENT,
        version: "1",
        nonce,
        issuedAt,
        expirationTime,
        resources: [resourceUrl],
      },
      supportedChains: [{ chainId: network, type: "ed25519", signatureScheme: "siws" }],
      schema: buildSIWxSchema(),
    },
  };
}

const refused = (code: "invalid_message" | "domain_mismatch" | "message_expired", message: string) =>
  new AppError(code, `Sign in with x402: ${message}`);

function validationError(reason: string, message: string): AppError {
  if (reason.includes("domain") || reason.includes("uri")) return refused("domain_mismatch", message);
  if (reason.includes("nonce")) return new AppError("nonce_unknown", `Sign in with x402: ${message}`);
  return refused("message_expired", message);
}

/**
 * The wallet a `sign-in-with-x` header proves, after every check (ours, the domain, the time, the
 * chain, the signature), its nonce spent. Throws the sign-in's 401 codes otherwise.
 */
export async function verifySiwxProof(header: string, network: string, now = new Date()): Promise<string> {
  let proof: SIWxPayload;
  try {
    proof = parseSIWxHeader(header.trim());
  } catch {
    throw refused("invalid_message", "the sign-in-with-x header is not a base64 JSON proof.");
  }
  if (proof.chainId !== network || proof.type !== "ed25519")
    throw refused("invalid_message", `the proof must be an ed25519 signature for ${network}.`);
  const key = await nonceKey();
  const origin = new URL(env().APP_URL);
  const expected = mac(key, [proof.nonce.slice(0, 24), origin.host, proof.issuedAt, proof.expirationTime ?? ""]);
  const given = Buffer.from(proof.nonce.slice(24));
  if (proof.nonce.length !== 56 || !timingSafeEqual(given, Buffer.from(expected)))
    // Checked before the domain: a foreign site's nonce is not ours either, but say what is wrong.
    throw proof.domain !== origin.host
      ? refused("domain_mismatch", `the proof is for ${proof.domain}, not ${origin.host}.`)
      : new AppError("nonce_unknown", "Sign in with x402: this nonce was not issued by Solrouter, or was altered.");
  const valid = await validateSIWxMessage(proof, origin, { maxAge: LIFETIME_S * 1000 });
  if (!valid.isValid) throw validationError(valid.invalidReason, valid.invalidMessage);
  const signed = await verifySIWxSignature(proof);
  if (!signed.isValid)
    throw new AppError("invalid_signature", "Sign in with x402: the signature does not match the address.");
  const expiresAt = new Date(proof.expirationTime ?? now.getTime() + LIFETIME_S * 1000);
  if (!(await spendSiwxNonce(await getDb(), proof.nonce, expiresAt, now)))
    throw new AppError("nonce_used", "Sign in with x402: this proof was already used. Sign the new challenge.");
  return proof.address;
}
