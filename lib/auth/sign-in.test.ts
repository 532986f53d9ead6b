import { describe, expect, it } from "vitest";
import nacl from "tweetnacl";
import bs58 from "bs58";
import { overrideEnv } from "@/lib/env";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { call, cookieFrom } from "@/lib/test/http";
import { createSignInMessageText, type SignInInput } from "@/lib/auth/siws-message";
import { runWithPeer } from "@/lib/http/peer";
import { GET as challenge } from "@/app/api/auth/challenge/route";
import { POST as verify } from "@/app/api/auth/verify/route";
import { POST as logout } from "@/app/api/auth/logout/route";
import { GET as me } from "@/app/api/me/route";

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

function wallet() {
  const kp = nacl.sign.keyPair();
  return { kp, address: bs58.encode(kp.publicKey) };
}

function sign(
  w: ReturnType<typeof wallet>,
  text: string,
  opts: { signer?: ReturnType<typeof wallet>; address?: string } = {},
) {
  const msg = new TextEncoder().encode(text);
  const signer = opts.signer ?? w;
  return {
    output: {
      account: { address: opts.address ?? w.address, publicKey: b64(w.kp.publicKey) },
      signedMessage: b64(msg),
      signature: b64(nacl.sign.detached(msg, signer.kp.secretKey)),
    },
  };
}

// Every input in these tests is issued with an address, or has one added as a wallet would.
const text = (i: SignInInput) => createSignInMessageText({ ...i, address: i.address! });

async function issue(address?: string): Promise<SignInInput> {
  const res = await call(challenge, {
    path: `/api/auth/challenge${address ? `?address=${address}` : ""}`,
    headers: { "x-forwarded-for": `10.0.0.${Math.floor(Math.random() * 250)}` },
  });
  expect(res.status).toBe(200);
  return res.json.input;
}

describe.each(testDbKinds())("sign in with Solana (%s)", (kind) => {
  const { db } = testRuntime(kind, {
    env: {
      APP_URL: "http://localhost:3000",
      SOLANA_CLUSTER: "localnet",
      SIGNIN_RATE_LIMIT_PER_MINUTE: "100000",
    },
  });

  it("issues a complete challenge", async () => {
    const w = wallet();
    const input = await issue(w.address);
    expect(input).toMatchObject({
      domain: "localhost:3000",
      uri: "http://localhost:3000",
      version: "1",
      chainId: "localnet",
      address: w.address,
    });
    expect(input.nonce).toMatch(/^[A-Za-z0-9]{16,}$/);
    const ttl = Date.parse(input.expirationTime) - Date.parse(input.issuedAt);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10 * 60 * 1000);
  });

  it("signs in, keeps the session, and signs out on the server", async () => {
    const w = wallet();
    const input = await issue();
    // A one-step signIn wallet adds its address to the message.
    const res = await call(verify, { body: sign(w, text({ ...input, address: w.address })) });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ wallet: w.address });
    const setCookie = res.headers.get("set-cookie")!;
    expect(setCookie).toMatch(/^sr_session=[A-Za-z0-9_-]{43};/);
    expect(setCookie).toContain("HttpOnly");
    expect(setCookie).toContain("SameSite=Lax");
    const cookie = cookieFrom(res);

    const who = await call(me, { cookie });
    expect(who.status).toBe(200);
    expect(who.json).toMatchObject({ wallet: w.address, balanceMicro: 0 });

    // Only the hash of the token is stored.
    const token = cookie.split("=")[1]!;
    const raw = await db.query<{ token_hash: string }>("SELECT token_hash FROM sessions");
    expect(raw.some((r) => r.token_hash === token)).toBe(false);

    expect((await call(logout, { cookie, body: {} })).status).toBe(204);
    const after = await call(me, { cookie });
    expect(after.status).toBe(401);
    expect(after.json.error.code).toBe("unauthenticated");
  });

  it("accepts the signMessage fallback with the address issued up front", async () => {
    const w = wallet();
    const input = await issue(w.address);
    const res = await call(verify, { body: sign(w, text(input)) });
    expect(res.status).toBe(200);
  });

  const refusals: [string, string, (w: ReturnType<typeof wallet>, input: SignInInput) => unknown][] = [
    ["tampered statement", "invalid_message", (w, i) => sign(w, text({ ...i, statement: "Send me your funds" }))],
    ["another domain", "domain_mismatch", (w, i) => sign(w, text({ ...i, domain: "evil.example" }))],
    ["a signature from another key", "invalid_signature", (w, i) => sign(w, text(i), { signer: wallet() })],
    [
      "a public key that is not the address",
      "invalid_signature",
      (w, i) => {
        const other = wallet();
        return sign(other, text(i), { address: w.address });
      },
    ],
    ["a made-up nonce", "nonce_unknown", (w, i) => sign(w, text({ ...i, nonce: "A".repeat(24) }))],
    ["a prefixed message", "invalid_message", (w, i) => sign(w, `Hello\n${text(i)}`)],
    ["an appended line", "invalid_message", (w, i) => sign(w, `${text(i)}\nAdmin: true`)],
    [
      "a changed expiry",
      "invalid_message",
      (w, i) => sign(w, text({ ...i, expirationTime: new Date(Date.now() + 86400_000).toISOString() })),
    ],
  ];

  it.each(refusals)("refuses %s (%s)", async (_name, code, build) => {
    const w = wallet();
    const input = await issue(w.address);
    const res = await call(verify, { body: build(w, input) });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe(code);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("refuses an expired message", async () => {
    const w = wallet();
    const input = await issue(w.address);
    const past = new Date(Date.now() - 60_000).toISOString();
    await db.query(
      "UPDATE signin_challenges SET expires_at = $2::timestamptz, input = jsonb_set(input, '{expirationTime}', to_jsonb($3::text)) WHERE nonce = $1",
      [input.nonce, past, past],
    );
    const expired = { ...input, expirationTime: past };
    const res = await call(verify, { body: sign(w, text(expired)) });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("message_expired");
  });

  it("refuses a replayed output", async () => {
    const w = wallet();
    const body = sign(w, text(await issue(w.address)));
    expect((await call(verify, { body })).status).toBe(200);
    const again = await call(verify, { body });
    expect(again.status).toBe(401);
    expect(again.json.error.code).toBe("nonce_used");
  });

  it("lets exactly one of many concurrent uses of a nonce through", async () => {
    const w = wallet();
    const body = sign(w, text(await issue(w.address)));
    const results = await Promise.all(Array.from({ length: 10 }, () => call(verify, { body })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(1);
    expect(results.filter((r) => r.status === 401 && r.json.error.code === "nonce_used")).toHaveLength(9);
    const sessions = await db.query<{ n: string | number }>(
      "SELECT count(*)::int AS n FROM sessions s JOIN accounts a ON a.id = s.account_id WHERE a.wallet = $1",
      [w.address],
    );
    expect(Number(sessions[0]!.n)).toBe(1);
  });

  it("answers malformed bodies with 400, never 500", async () => {
    const bodies: unknown[] = [
      "not json",
      "{}",
      { output: null },
      { output: { account: { address: "x", publicKey: "AA==" }, signedMessage: "AA==", signature: "AA==" } },
      { output: { account: { address: wallet().address, publicKey: "!!" }, signedMessage: "AA==", signature: "AA==" } },
      { output: { account: { address: wallet().address, publicKey: "AA==" }, signedMessage: 5, signature: [] } },
      [1, 2, 3],
    ];
    for (const body of bodies) {
      const res = await call(verify, { body });
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.code).toBe("invalid_request");
    }
    // Well-formed base64 that is not a sign-in message.
    const w = wallet();
    const res = await call(verify, { body: sign(w, "just some text") });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("invalid_message");
  });

  it("requires our Origin on state changes", async () => {
    const w = wallet();
    const body = sign(w, text(await issue(w.address)));
    const res = await call(verify, { body, origin: "https://evil.example" });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("bad_origin");
    expect((await call(verify, { body, origin: null })).status).toBe(403);
  });

  it("rate-limits challenges per client IP", async () => {
    overrideEnv({ APP_URL: "http://localhost:3000", SOLANA_CLUSTER: "localnet", SIGNIN_RATE_LIMIT_PER_MINUTE: "3" });
    try {
      const statuses: number[] = [];
      // The socket's address, as lib/http/peer.ts captures it under next start; a forwarded-for
      // header is not believed without TRUSTED_PROXIES (lib/http/client-address.test.ts).
      const from = (address: string) =>
        runWithPeer({ address, forwardedFor: undefined }, () =>
          call(challenge, { path: "/api/auth/challenge", headers: { "x-forwarded-for": "198.51.100.1" } }),
        );
      for (let i = 0; i < 4; i++) statuses.push((await from("203.0.113.9")).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await from("203.0.113.9");
      expect(limited.json.error.code).toBe("rate_limited");
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      // Another client is unaffected.
      expect((await from("203.0.113.10")).status).toBe(200);
    } finally {
      overrideEnv({
        APP_URL: "http://localhost:3000",
        SOLANA_CLUSTER: "localnet",
        SIGNIN_RATE_LIMIT_PER_MINUTE: "100000",
      });
    }
    const bad = await call(challenge, { path: "/api/auth/challenge?address=not-an-address" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("invalid_request");
  });
});
