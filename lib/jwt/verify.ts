import "server-only";
import { createLocalJWKSet, errors, jwtVerify, type JSONWebKeySet, type JWK } from "jose";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

// Internal JWTs let our own products call /agent without a balance. Only asymmetric algorithms
// are accepted, so a leaked public key can never be used as an HMAC secret to forge a token.
export const INTERNAL_JWT_ISSUER = "solrouter-internal";
export const INTERNAL_JWT_AUDIENCE = "solrouter-api";
export const INTERNAL_JWT_MAX_LIFETIME_SECONDS = 900;
export const INTERNAL_JWT_ALGORITHMS = ["EdDSA", "ES256"] as const;
const CLOCK_TOLERANCE_SECONDS = 30;
export const PRODUCT_RE = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
// Far above any real token; stops us from base64-decoding megabytes of junk.
const MAX_TOKEN_LENGTH = 8192;

export interface InternalCaller {
  product: string;
  jti?: string;
}

type KeySet = ReturnType<typeof createLocalJWKSet>;
let cached: { source: string; keys: KeySet | null } | undefined;

/** The key set is built once per configuration value (tests change it through overrideEnv). */
function keySet(): KeySet | null {
  const source = env().INTERNAL_JWT_PUBLIC_KEYS ?? "";
  if (cached?.source === source) return cached.keys;
  let keys: KeySet | null = null;
  if (source) {
    const doc = JSON.parse(source) as JSONWebKeySet;
    // Only public asymmetric keys of the two allowed curves; anything else in the set is ignored.
    const usable = (doc.keys ?? []).filter(
      (k: JWK) => !k.d && ((k.kty === "OKP" && k.crv === "Ed25519") || (k.kty === "EC" && k.crv === "P-256")),
    );
    if (usable.length) keys = createLocalJWKSet({ keys: usable });
  }
  cached = { source, keys };
  return keys;
}

/** Three base64url segments: cheap enough to tell a JWT from an API key before any crypto. */
export function looksLikeJwt(s: string): boolean {
  return s.length <= MAX_TOKEN_LENGTH && /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/.test(s);
}

function invalid(message = "The token is not valid."): AppError {
  return new AppError("invalid_token", message);
}

/** Verifies an internal JWT and returns the product it was issued to; anything wrong → invalid_token. */
export async function verifyInternalJwt(token: string): Promise<InternalCaller> {
  if (typeof token !== "string" || !looksLikeJwt(token)) throw invalid("The token is not a well-formed JWT.");
  const keys = keySet();
  if (!keys) throw invalid("This server does not accept internal tokens.");
  let payload;
  try {
    ({ payload } = await jwtVerify(token, keys, {
      algorithms: [...INTERNAL_JWT_ALGORITHMS],
      issuer: INTERNAL_JWT_ISSUER,
      audience: INTERNAL_JWT_AUDIENCE,
      requiredClaims: ["exp", "iat", "sub"],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (err) {
    throw invalid(describe(err));
  }
  const { exp, iat, sub, jti } = payload;
  if (typeof exp !== "number" || typeof iat !== "number") throw invalid();
  if (exp - iat > INTERNAL_JWT_MAX_LIFETIME_SECONDS || exp <= iat) {
    throw invalid(`The token's lifetime must be at most ${INTERNAL_JWT_MAX_LIFETIME_SECONDS} seconds.`);
  }
  if (iat > Date.now() / 1000 + CLOCK_TOLERANCE_SECONDS) throw invalid("The token was issued in the future.");
  if (typeof sub !== "string" || !PRODUCT_RE.test(sub)) throw invalid("The token does not name a valid product.");
  return typeof jti === "string" && jti ? { product: sub, jti } : { product: sub };
}

/** Plain words for the client; jose's own messages and error codes stay on our side. */
function describe(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "The token has expired.";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "iss" || err.claim === "aud") return "The token was not issued for this API.";
    if (err.claim === "nbf") return "The token is not valid yet.";
    return "The token is missing a required claim.";
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return "The token is signed with an algorithm this API does not accept.";
  if (err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWSSignatureVerificationFailed) {
    return "The token is not signed by a key this API trusts.";
  }
  return "The token is not valid.";
}
