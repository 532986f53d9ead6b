import { beforeAll, describe, expect, it } from "vitest";
import { createHmac } from "node:crypto";
import { base64url, exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey, type JWK } from "jose";
import { overrideEnv } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { looksLikeJwt, verifyInternalJwt } from "./verify";

interface Signer {
  alg: "EdDSA" | "ES256";
  kid: string;
  privateKey: CryptoKey;
  publicJwk: JWK;
}

async function signer(alg: "EdDSA" | "ES256", kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { alg, kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: "sig" } };
}

const now = () => Math.floor(Date.now() / 1000);

function mint(
  s: Signer,
  opts: {
    iss?: string;
    aud?: string;
    sub?: string | null;
    iat?: number | null;
    exp?: number | null;
    kid?: string;
    jti?: string;
  } = {},
) {
  const claims: Record<string, unknown> = {};
  if (opts.sub !== null) claims.sub = opts.sub ?? "chat-app";
  if (opts.jti) claims.jti = opts.jti;
  const jwt = new SignJWT(claims)
    .setProtectedHeader({ alg: s.alg, kid: opts.kid ?? s.kid, typ: "JWT" })
    .setIssuer(opts.iss ?? "solrouter-internal")
    .setAudience(opts.aud ?? "solrouter-api");
  if (opts.iat !== null) jwt.setIssuedAt(opts.iat ?? now());
  if (opts.exp !== null) jwt.setExpirationTime(opts.exp ?? now() + 300);
  return jwt.sign(s.privateKey);
}

/** Hand-built token with any header and signature, as an attacker would write it. */
function raw(header: object, payload: object, sign: (input: string) => string = () => ""): string {
  const input = `${base64url.encode(JSON.stringify(header))}.${base64url.encode(JSON.stringify(payload))}`;
  return `${input}.${sign(input)}`;
}

async function rejects(token: string | Promise<string>) {
  const err = await verifyInternalJwt(await token).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).code).toBe("invalid_token");
  // Plain words only: no jose codes or internals.
  expect((err as AppError).message).not.toMatch(/ERR_|jose|JWS|JWK/);
  return (err as AppError).message;
}

describe("internal JWT verification", () => {
  let ed: Signer;
  let es: Signer;
  let stranger: Signer;
  const goodClaims = () => ({
    iss: "solrouter-internal",
    aud: "solrouter-api",
    sub: "chat-app",
    iat: now(),
    exp: now() + 300,
  });

  beforeAll(async () => {
    ed = await signer("EdDSA", "ed-1");
    es = await signer("ES256", "es-1");
    stranger = await signer("EdDSA", "ed-1"); // same kid as a trusted key, different key
    overrideEnv({ INTERNAL_JWT_PUBLIC_KEYS: JSON.stringify({ keys: [ed.publicJwk, es.publicJwk] }) });
  });

  it("accepts EdDSA and ES256 tokens and returns the product", async () => {
    expect(await verifyInternalJwt(await mint(ed, { jti: "abc" }))).toEqual({ product: "chat-app", jti: "abc" });
    expect(await verifyInternalJwt(await mint(es, { sub: "docs.search" }))).toEqual({ product: "docs.search" });
    // Exactly 15 minutes is allowed.
    const iat = now();
    expect((await verifyInternalJwt(await mint(ed, { iat, exp: iat + 900 }))).product).toBe("chat-app");
  });

  it("rejects an expired token", async () => {
    expect(await rejects(mint(ed, { iat: now() - 600, exp: now() - 120 }))).toBe("The token has expired.");
  });

  it("rejects the wrong audience or issuer", async () => {
    await rejects(mint(ed, { aud: "someone-else" }));
    await rejects(mint(ed, { iss: "solrouter" }));
  });

  it("rejects a lifetime over 15 minutes", async () => {
    const iat = now();
    expect(await rejects(mint(ed, { iat, exp: iat + 901 }))).toMatch(/lifetime/);
    await rejects(mint(es, { iat: iat - 3000, exp: iat + 60 }));
  });

  it("rejects tokens without exp, iat or a sane sub", async () => {
    await rejects(mint(ed, { exp: null }));
    await rejects(mint(ed, { iat: null }));
    await rejects(mint(ed, { sub: null }));
    await rejects(mint(ed, { sub: "" }));
    await rejects(mint(ed, { sub: "drop table;" }));
    await rejects(mint(ed, { iat: now() + 600, exp: now() + 700 }));
  });

  it("rejects unknown keys", async () => {
    await rejects(mint(ed, { kid: "not-in-set" }));
    expect(await rejects(mint(stranger))).toMatch(/not signed by a key/);
    // Without a kid, every trusted key is tried, and none matches.
    await rejects(raw({ alg: "EdDSA", typ: "JWT" }, goodClaims(), () => base64url.encode(new Uint8Array(64))));
  });

  it("rejects alg none", async () => {
    for (const alg of ["none", "None", "NONE"]) await rejects(raw({ alg, kid: "ed-1" }, goodClaims()));
  });

  it("rejects HS256 signed with the public key as the secret", async () => {
    const pem = await exportSPKI((await generateKeyPair("EdDSA", { extractable: true })).publicKey);
    const secrets: (string | Uint8Array)[] = [
      base64url.decode(ed.publicJwk.x!),
      JSON.stringify(ed.publicJwk),
      ed.publicJwk.x!,
      pem,
    ];
    for (const secret of secrets) {
      for (const alg of ["HS256", "HS512"] as const) {
        const token = raw({ alg, kid: "ed-1", typ: "JWT" }, goodClaims(), (input) =>
          createHmac(alg === "HS256" ? "sha256" : "sha512", secret)
            .update(input)
            .digest("base64url"),
        );
        await rejects(token);
      }
    }
  });

  it("rejects truncated and garbage tokens", async () => {
    const good = await mint(ed);
    await rejects(good.slice(0, -5));
    await rejects(good.split(".").slice(0, 2).join("."));
    await rejects(good.slice(0, good.length / 2));
    for (const junk of [
      "",
      "a.b.c",
      "...",
      "x".repeat(20_000),
      "sk_solrouter_abc",
      "eyJ.eyJ.sig",
      `${good}.extra`,
      "a.b.c\n",
      "💥.💥.💥",
    ]) {
      await rejects(junk);
    }
    // A tampered payload breaks the signature.
    const [h, , s] = good.split(".");
    await rejects(`${h}.${base64url.encode(JSON.stringify({ ...goodClaims(), sub: "admin" }))}.${s}`);
  });

  it("rejects everything when no keys are configured", async () => {
    const token = await mint(ed);
    overrideEnv({ INTERNAL_JWT_PUBLIC_KEYS: "" });
    expect(await rejects(token)).toMatch(/does not accept/);
    // A set holding only a symmetric key is as good as none.
    overrideEnv({ INTERNAL_JWT_PUBLIC_KEYS: JSON.stringify({ keys: [{ kty: "oct", k: "c2VjcmV0", kid: "ed-1" }] }) });
    await rejects(token);
    overrideEnv({ INTERNAL_JWT_PUBLIC_KEYS: JSON.stringify({ keys: [ed.publicJwk, es.publicJwk] }) });
    expect((await verifyInternalJwt(token)).product).toBe("chat-app");
  });

  it("tells a JWT from an API key cheaply", async () => {
    expect(looksLikeJwt(await mint(ed))).toBe(true);
    expect(looksLikeJwt("eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.")).toBe(true);
    expect(looksLikeJwt(`sk_solrouter_${"0123456789abcdefghij".repeat(2).slice(0, 38)}`)).toBe(false);
    expect(looksLikeJwt("a.b")).toBe(false);
    expect(looksLikeJwt("a b.c.d")).toBe(false);
  });
});
