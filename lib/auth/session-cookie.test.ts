import { afterAll, describe, expect, it } from "vitest";
import nacl from "tweetnacl";
import bs58 from "bs58";
import { overrideEnv } from "@/lib/env";
import { getDb } from "@/lib/db";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import type { SignInInput } from "@/lib/auth/siws-message";
import { signedVerifyBody } from "@/lib/test/siws-input";
import { sha256Hex } from "@/lib/crypto/random";
import { GET as challenge } from "@/app/api/auth/challenge/route";
import { POST as verify } from "@/app/api/auth/verify/route";
import { POST as logout } from "@/app/api/auth/logout/route";
import { GET as me } from "@/app/api/me/route";

const tokenOf = (cookie: string) => cookie.slice(cookie.indexOf("=") + 1);

async function signIn() {
  const kp = nacl.sign.keyPair();
  const address = bs58.encode(kp.publicKey);
  const input: SignInInput = (await call(challenge, { path: `/api/auth/challenge?address=${address}` })).json.input;
  return call(verify, { body: signedVerifyBody(input, kp) });
}

async function sessionExists(token: string) {
  const db = await getDb();
  return (await db.query("SELECT 1 FROM sessions WHERE token_hash = $1", [sha256Hex(token)])).length === 1;
}

describe.each(testDbKinds())("session cookie (%s)", (kind) => {
  const base = { SOLANA_CLUSTER: "localnet", SIGNIN_RATE_LIMIT_PER_MINUTE: "100000" };
  const { db } = testRuntime(kind, { env: { ...base, APP_URL: "https://app.solrouter.test" } });
  afterAll(async () => {
    overrideEnv({ ...base, APP_URL: "http://localhost:3000" });
  });

  it("is __Host-sr_session on https: Secure, Path=/, no Domain", async () => {
    const res = await signIn();
    expect(res.status).toBe(200);
    const set = res.headers.get("set-cookie")!;
    expect(set).toMatch(/^__Host-sr_session=[A-Za-z0-9_-]{43}; /);
    expect(set.split("; ")).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax", "Secure"]));
    expect(set).not.toMatch(/Domain=/i);
    const cookie = set.split(";")[0]!;
    expect((await call(me, { cookie })).status).toBe(200);
    // The unprefixed name, which a sibling subdomain or an http page could set, is not a session on https.
    expect((await call(me, { cookie: `sr_session=${tokenOf(cookie)}` })).status).toBe(401);
  });

  it("refuses two different session cookies instead of letting the first win (cookie tossing)", async () => {
    const victim = await signedInAccount();
    const attacker = await signedInAccount();
    // As a browser sends a longer-Path cookie first: the attacker's before the victim's.
    const tossed = `${attacker.cookie}; ${victim.cookie}`;
    const res = await call(me, { cookie: tossed });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("unauthenticated");
    // The same value twice is no ambiguity.
    expect((await call(me, { cookie: `${victim.cookie}; ${victim.cookie}` })).json.wallet).toBe(victim.wallet);
    // Signing out ends both sessions and clears the prefixed cookie (and the old name).
    const out = await call(logout, { method: "POST", cookie: tossed });
    expect(out.status).toBe(204);
    const cleared = out.headers.getSetCookie();
    expect(cleared.some((c) => /^__Host-sr_session=; Path=\/; .*Max-Age=0.*Secure/.test(c))).toBe(true);
    expect(cleared.some((c) => c.startsWith("sr_session=; "))).toBe(true);
    expect(await sessionExists(tokenOf(victim.cookie))).toBe(false);
    expect(await sessionExists(tokenOf(attacker.cookie))).toBe(false);
  });

  it("stays sr_session without Secure on plain http, with the same refusal of duplicates", async () => {
    overrideEnv({ ...base, APP_URL: "http://localhost:3000" });
    try {
      const res = await signIn();
      const set = res.headers.get("set-cookie")!;
      expect(set).toMatch(/^sr_session=/);
      expect(set).not.toContain("Secure");
      const one = await signedInAccount();
      const two = await signedInAccount();
      expect((await call(me, { cookie: one.cookie })).json.wallet).toBe(one.wallet);
      expect((await call(me, { cookie: `${two.cookie}; ${one.cookie}` })).status).toBe(401);
      const out = await call(logout, { method: "POST", cookie: one.cookie });
      expect(out.headers.getSetCookie()).toEqual(["sr_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0"]);
      expect(await sessionExists(tokenOf(one.cookie))).toBe(false);
      expect(await sessionExists(tokenOf(two.cookie))).toBe(true);
    } finally {
      overrideEnv({ ...base, APP_URL: "https://app.solrouter.test" });
    }
  });
});
