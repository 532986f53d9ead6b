import "server-only";
import { createPrivateKey, randomBytes } from "node:crypto";
import { importJWK, importPKCS8, SignJWT, type CryptoKey } from "jose";
import type { FacilitatorConfig } from "@x402/core/server";

// Coinbase's hosted facilitator authenticates each request with a short JWT bound to the method
// and path, signed with the CDP API key. This mirrors @coinbase/cdp-sdk's generateJwt so that we
// do not pull in that SDK (and viem) for forty lines.
export const CDP_HOST = "api.cdp.coinbase.com";
export const CDP_BASE_PATH = "/platform/v2/x402";
export const CDP_FACILITATOR_URL = `https://${CDP_HOST}${CDP_BASE_PATH}`;

type Signing = { alg: "ES256" | "EdDSA"; key: CryptoKey };

async function importCdpSecret(secret: string): Promise<Signing> {
  if (secret.includes("BEGIN")) {
    // CDP hands out SEC1 ("BEGIN EC PRIVATE KEY") PEMs; jose wants PKCS#8.
    const pkcs8 = createPrivateKey(secret.replace(/\\n/g, "\n")).export({ type: "pkcs8", format: "pem" }).toString();
    return { alg: "ES256", key: await importPKCS8(pkcs8, "ES256") };
  }
  const raw = Buffer.from(secret, "base64");
  if (raw.length !== 64) throw new Error("CDP_API_KEY_SECRET must be a PEM EC key or a base64 64-byte Ed25519 key");
  const jwk = {
    kty: "OKP",
    crv: "Ed25519",
    d: raw.subarray(0, 32).toString("base64url"),
    x: raw.subarray(32).toString("base64url"),
  };
  return { alg: "EdDSA", key: (await importJWK(jwk, "EdDSA")) as CryptoKey };
}

export async function cdpJwt(keyId: string, signing: Signing, method: string, path: string): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ sub: keyId, iss: "cdp", aud: ["cdp_service"], uris: [`${method} ${CDP_HOST}${path}`] })
    .setProtectedHeader({ alg: signing.alg, kid: keyId, typ: "JWT", nonce: randomBytes(16).toString("hex") })
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 120)
    .sign(signing.key);
}

export function cdpFacilitatorConfig(keyId: string, secret: string): FacilitatorConfig {
  let signing: Promise<Signing> | undefined;
  const bearer = async (method: string, path: string) => ({
    Authorization: `Bearer ${await cdpJwt(keyId, await (signing ??= importCdpSecret(secret)), method, path)}`,
  });
  return {
    url: CDP_FACILITATOR_URL,
    timeoutMs: 30_000,
    // Keyed by endpoint: the client picks the entry for the call it makes.
    createAuthHeaders: async () => ({
      verify: await bearer("POST", `${CDP_BASE_PATH}/verify`),
      settle: await bearer("POST", `${CDP_BASE_PATH}/settle`),
      supported: await bearer("GET", `${CDP_BASE_PATH}/supported`),
    }),
  };
}
