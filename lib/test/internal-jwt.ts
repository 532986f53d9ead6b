import { SignJWT, exportJWK, generateKeyPair } from "jose";

// Internal JWTs for tests, as our own products hold them (README, "Internal JWTs"): an Ed25519
// key pair whose public half goes into INTERNAL_JWT_PUBLIC_KEYS, and tokens signed with it.

export interface JwtSigner {
  privateKey: CryptoKey;
  /** The INTERNAL_JWT_PUBLIC_KEYS value that trusts `privateKey` (kid "k1"). */
  jwks: string;
}

export async function jwtSigner(): Promise<JwtSigner> {
  const kp = await generateKeyPair("EdDSA", { extractable: true });
  const jwk = { ...(await exportJWK(kp.publicKey)), kid: "k1", alg: "EdDSA", use: "sig" };
  return { privateKey: kp.privateKey as CryptoKey, jwks: JSON.stringify({ keys: [jwk] }) };
}

/** A token for product `sub` (default "solrouter-chat") valid for `ttl` seconds (default 300). */
export function internalToken(key: CryptoKey, claims: { sub?: string; ttl?: number } = {}): Promise<string> {
  return new SignJWT({})
    .setProtectedHeader({ alg: "EdDSA", kid: "k1" })
    .setIssuer("solrouter-internal")
    .setAudience("solrouter-api")
    .setSubject(claims.sub ?? "solrouter-chat")
    .setIssuedAt()
    .setExpirationTime(`${claims.ttl ?? 300}s`)
    .sign(key);
}
