// `npm run internal-token -- --product <name> --ttl <seconds>`: mints a short-lived internal JWT for
// one of our own products from INTERNAL_JWT_PRIVATE_KEY (a private JWK JSON or a PKCS#8 PEM).
// `npm run internal-token -- --generate` prints a fresh Ed25519 key pair to configure both sides.
// No HTTP route issues these tokens: whoever holds the private key is an operator.
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import {
  calculateJwkThumbprint,
  exportJWK,
  generateKeyPair,
  importJWK,
  importPKCS8,
  SignJWT,
  type CryptoKey,
  type JWK,
} from "jose";
import {
  INTERNAL_JWT_AUDIENCE as AUDIENCE,
  INTERNAL_JWT_ISSUER as ISSUER,
  INTERNAL_JWT_MAX_LIFETIME_SECONDS as MAX_TTL,
  PRODUCT_RE,
} from "@/lib/jwt/verify";

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

async function generate() {
  const { publicKey, privateKey } = await generateKeyPair("EdDSA", { crv: "Ed25519", extractable: true });
  const pub = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(pub);
  const privateJwk = { ...(await exportJWK(privateKey)), kid, alg: "EdDSA", use: "sig" };
  const jwks = { keys: [{ ...pub, kid, alg: "EdDSA", use: "sig" }] };
  console.log("# Private key: keep it secret, only where tokens are minted.");
  console.log(`INTERNAL_JWT_PRIVATE_KEY='${JSON.stringify(privateJwk)}'`);
  console.log("# Public key set: give it to the API servers (append keys to rotate).");
  console.log(`INTERNAL_JWT_PUBLIC_KEYS='${JSON.stringify(jwks)}'`);
}

async function loadKey(
  source: string,
  kidFlag?: string,
): Promise<{ key: CryptoKey; alg: "EdDSA" | "ES256"; kid?: string }> {
  if (source.trim().startsWith("{")) {
    let jwk: JWK;
    try {
      jwk = JSON.parse(source) as JWK;
    } catch {
      fail("INTERNAL_JWT_PRIVATE_KEY: not valid JSON (expected a private JWK or a PKCS#8 PEM)");
    }
    const alg =
      jwk.kty === "OKP" && jwk.crv === "Ed25519" ? "EdDSA" : jwk.kty === "EC" && jwk.crv === "P-256" ? "ES256" : null;
    if (!alg) fail("INTERNAL_JWT_PRIVATE_KEY: must be an Ed25519 (OKP) or P-256 (EC) key");
    if (!jwk.d) fail('INTERNAL_JWT_PRIVATE_KEY: this JWK has no private part ("d")');
    return { key: (await importJWK(jwk, alg)) as CryptoKey, alg, kid: kidFlag ?? jwk.kid };
  }
  if (!source.includes("BEGIN PRIVATE KEY"))
    fail("INTERNAL_JWT_PRIVATE_KEY: expected a private JWK (JSON) or a PKCS#8 PEM");
  const pem = source.replace(/\\n/g, "\n");
  for (const alg of ["EdDSA", "ES256"] as const) {
    try {
      return { key: await importPKCS8(pem, alg), alg, kid: kidFlag };
    } catch {
      // try the other algorithm
    }
  }
  fail("INTERNAL_JWT_PRIVATE_KEY: the PEM is not an Ed25519 or P-256 private key");
}

async function main() {
  const { values } = parseArgs({
    options: {
      product: { type: "string" },
      ttl: { type: "string", default: "300" },
      kid: { type: "string" },
      generate: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      "usage: npm run internal-token -- --product <name> [--ttl <seconds ≤ 900>] [--kid <key id>]\n       npm run internal-token -- --generate",
    );
    return;
  }
  if (values.generate) return generate();

  const product = values.product ?? fail("--product <name> is required (letters, digits, . _ -; up to 64)");
  if (!PRODUCT_RE.test(product))
    fail("--product: use letters, digits, '.', '_' or '-' (up to 64, starting with a letter or digit)");
  const ttl = Number(values.ttl);
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_TTL)
    fail(`--ttl: must be a whole number of seconds between 1 and ${MAX_TTL}`);
  const source = process.env.INTERNAL_JWT_PRIVATE_KEY;
  if (!source)
    fail("INTERNAL_JWT_PRIVATE_KEY is not set (create a key pair with: npm run internal-token -- --generate)");

  const { key, alg, kid } = await loadKey(source, values.kid);
  const iat = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({})
    .setProtectedHeader(kid ? { alg, kid, typ: "JWT" } : { alg, typ: "JWT" })
    .setIssuer(ISSUER)
    .setAudience(AUDIENCE)
    .setSubject(product)
    .setJti(randomUUID())
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttl)
    .sign(key);
  console.log(token);
}

await main();
