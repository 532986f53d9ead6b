import { beforeEach, describe, expect, it } from "vitest";
import nacl from "tweetnacl";
import type { Keypair } from "@solana/web3.js";
import { testDbKinds } from "@/lib/test/db";
import { bearer, call } from "@/lib/test/http";
import { testLocalnet, testRuntime } from "@/lib/test/runtime";
import { signedInAccount } from "@/lib/test/session";
import { topupEnv, topupSteps, type TestTopup } from "@/lib/test/topups";
import { checkLedger } from "@/lib/billing/ledger-check";
import { resetKeyCache } from "@/lib/keys/resolve";
import { createSignInMessageText, type SignInInput } from "@/lib/auth/siws-message";
import { costMicro, findModel } from "@/lib/models";
import { GET as challenge } from "@/app/api/auth/challenge/route";
import { POST as verify } from "@/app/api/auth/verify/route";
import { GET as listKeys, POST as createKeyRoute } from "@/app/api/keys/route";
import { DELETE as revokeRoute, PATCH as patchRoute } from "@/app/api/keys/[id]/route";
import { POST as rollRoute } from "@/app/api/keys/[id]/roll/route";
import { GET as listTopups, POST as createTopup } from "@/app/api/topups/route";
import { POST as confirmTopup } from "@/app/api/topups/[id]/confirm/route";
import { GET as me } from "@/app/api/me/route";
import { GET as usage } from "@/app/api/usage/route";
import { GET as activity } from "@/app/api/activity/route";
import { POST as chat } from "@/app/v1/chat/completions/route";

// Management keys over HTTP: what a Bearer management key may do on the dashboard's API, the
// limits that keep it from escalating, and an agent that runs its account with nothing but a
// keypair and one management key, against the local cluster.

const net = testLocalnet();
const { pay } = topupSteps(() => net);

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** The SIWS sign-in over HTTP, as an agent does it with its keypair: returns the session cookie. */
async function signIn(kp: Keypair): Promise<string> {
  const address = kp.publicKey.toBase58();
  const input: SignInInput = (await call(challenge, { path: `/api/auth/challenge?address=${address}` })).json.input;
  const msg = new TextEncoder().encode(createSignInMessageText({ ...input, address }));
  const sig = nacl.sign.detached(msg, kp.secretKey);
  const res = await call(verify, {
    body: {
      output: {
        account: { address, publicKey: b64(kp.publicKey.toBytes()) },
        signedMessage: b64(msg),
        signature: b64(sig),
      },
    },
  });
  expect(res.status, res.text).toBe(200);
  return (res.headers.get("set-cookie") ?? "").split(";")[0]!;
}

describe.each(testDbKinds())("management keys (%s)", (kind) => {
  const { db } = testRuntime(kind, { model: true, env: () => topupEnv(net) });
  beforeEach(() => resetKeyCache());

  /** A signed-in account with a management key capped at 1,000,000 micro-USD a week. */
  async function withManager(spendCap: unknown = { micro: 1_000_000, period: "week" }) {
    const a = await signedInAccount();
    const res = await call(createKeyRoute, {
      cookie: a.cookie,
      body: { name: "ops", canManageKeys: true, ...(spendCap ? { spendCap } : {}) },
    });
    expect(res.status, res.text).toBe(201);
    return { ...a, manager: res.json.key, secret: res.json.secret as string };
  }

  it("lets a management key list, create, edit and revoke keys and read /api/me without Origin or cookie", async () => {
    const a = await withManager();
    expect(a.manager).toMatchObject({
      canManageKeys: true,
      canCallModels: false,
      spendCap: { micro: 1_000_000, period: "week" },
    });
    const mine = await bearer(me, a.secret);
    expect(mine.status).toBe(200);
    expect(mine.json.balanceMicro).toBe(0);
    const child = await bearer(createKeyRoute, a.secret, {
      body: { name: "worker", spendCap: { micro: 500_000, period: "day" }, models: ["gpt-oss:20b"] },
    });
    expect(child.status, child.text).toBe(201);
    expect(child.json.key).toMatchObject({
      canManageKeys: false,
      canCallModels: true,
      models: ["gpt-oss:20b"],
      spendCap: { micro: 500_000, period: "day" },
      spendCapMicro: 500_000,
      capPeriod: "day",
    });
    const listed = await bearer(listKeys, a.secret);
    expect(listed.status).toBe(200);
    expect(listed.json.keys.map((k: { name: string }) => k.name).sort()).toEqual(["ops", "worker"]);
    const id = child.json.key.id;
    const patched = await bearer(patchRoute, a.secret, {
      method: "PATCH",
      params: { id },
      body: { spendCap: { micro: 400_000, period: "week" } },
    });
    expect(patched.status, patched.text).toBe(200);
    expect(patched.json.key.spendCap).toEqual({ micro: 400_000, period: "week" });
    const rolled = await bearer(rollRoute, a.secret, { params: { id }, body: { graceSeconds: 0 } });
    expect(rolled.status, rolled.text).toBe(201);
    expect(rolled.json.key).toMatchObject({ models: ["gpt-oss:20b"], spendCap: { micro: 400_000, period: "week" } });
    const revoked = await bearer(revokeRoute, a.secret, { method: "DELETE", params: { id: rolled.json.key.id } });
    expect(revoked.status).toBe(200);
    // The activity log says which key did each of them.
    const { events } = (await call(activity, { cookie: a.cookie })).json as {
      events: { kind: string; details: { byKeyId?: string } }[];
    };
    for (const kind of ["key_created", "key_edited", "key_rolled", "key_revoked"])
      expect(events.find((e) => e.kind === kind)?.details.byKeyId, kind).toBe(a.manager.id);
  });

  it("refuses escalation: a larger or longer cap, no cap, a management child, models outside its own", async () => {
    const a = await withManager();
    for (const body of [
      { name: "big", spendCap: { micro: 1_000_001, period: "week" } },
      { name: "long", spendCap: { micro: 1_000, period: "month" } },
      { name: "old field is monthly", spendCapMicro: 1_000 },
      { name: "uncapped" },
      { name: "boss", canManageKeys: true, spendCap: { micro: 1_000, period: "day" } },
    ]) {
      const res = await bearer(createKeyRoute, a.secret, { body });
      expect(res.status, JSON.stringify(body)).toBe(403);
      expect(res.json.error.code).toBe("forbidden");
    }
    const ok = await bearer(createKeyRoute, a.secret, {
      body: { name: "ok", spendCap: { micro: 1_000_000, period: "week" } },
    });
    expect(ok.status).toBe(201);
    const id = ok.json.key.id;
    const raise = await bearer(patchRoute, a.secret, {
      method: "PATCH",
      params: { id },
      body: { spendCap: { micro: 2_000_000, period: "week" } },
    });
    expect(raise.status).toBe(403);
    const uncap = await bearer(patchRoute, a.secret, { method: "PATCH", params: { id }, body: { spendCap: null } });
    expect(uncap.status).toBe(403);
    // Nor may it raise its own cap, nor roll a key beyond its limits made by the owner.
    const self = await bearer(patchRoute, a.secret, {
      method: "PATCH",
      params: { id: a.manager.id },
      body: { spendCap: { micro: 9_000_000, period: "week" } },
    });
    expect(self.status).toBe(403);
    const big = await call(createKeyRoute, { cookie: a.cookie, body: { name: "owner's big key" } });
    const rollBig = await bearer(rollRoute, a.secret, { params: { id: big.json.key.id }, body: { graceSeconds: 0 } });
    expect(rollBig.status).toBe(403);
    // Rolling itself is fine (same powers, new secret).
    const rollSelf = await bearer(rollRoute, a.secret, { params: { id: a.manager.id }, body: { graceSeconds: 3600 } });
    expect(rollSelf.status, rollSelf.text).toBe(201);
    expect(rollSelf.json.key).toMatchObject({ canManageKeys: true, spendCap: { micro: 1_000_000, period: "week" } });
    // A management key that expires hands out only keys that expire by then.
    const soon = new Date(Date.now() + 86_400_000).toISOString();
    const temp = await call(createKeyRoute, {
      cookie: a.cookie,
      body: { name: "temp ops", canManageKeys: true, expiresAt: soon },
    });
    const forever = await bearer(createKeyRoute, temp.json.secret, { body: { name: "forever" } });
    expect(forever.status).toBe(403);
    const later = new Date(Date.now() + 2 * 86_400_000).toISOString();
    expect((await bearer(createKeyRoute, temp.json.secret, { body: { name: "later", expiresAt: later } })).status).toBe(
      403,
    );
    expect(
      (await bearer(createKeyRoute, temp.json.secret, { body: { name: "by then", expiresAt: soon } })).status,
    ).toBe(201);
    // A management key with an allowlist hands out only those models.
    const narrow = await call(createKeyRoute, {
      cookie: a.cookie,
      body: { name: "narrow ops", canManageKeys: true, models: ["gpt-oss:20b"] },
    });
    const wide = await bearer(createKeyRoute, narrow.json.secret, { body: { name: "wide" } });
    expect(wide.status).toBe(403);
    const fits = await bearer(createKeyRoute, narrow.json.secret, { body: { name: "fits", models: ["gpt-oss:20b"] } });
    expect(fits.status).toBe(201);
  });

  it("answers another account's key with 404 not_found and unknown models with 400", async () => {
    const a = await withManager(null);
    const other = await signedInAccount();
    const theirs = await call(createKeyRoute, { cookie: other.cookie, body: { name: "theirs" } });
    const id = theirs.json.key.id;
    for (const res of [
      await bearer(patchRoute, a.secret, { method: "PATCH", params: { id }, body: { name: "mine now" } }),
      await bearer(revokeRoute, a.secret, { method: "DELETE", params: { id } }),
      await bearer(rollRoute, a.secret, { params: { id }, body: { graceSeconds: 0 } }),
    ]) {
      expect(res.status).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
    const unknown = await bearer(createKeyRoute, a.secret, { body: { name: "x", models: ["gpt-5"] } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.message).toContain("gpt-5");
  });

  it("refuses a plain key with 403 key_not_allowed, and a cookie request without Origin with bad_origin", async () => {
    const a = await signedInAccount();
    const plain = await call(createKeyRoute, { cookie: a.cookie, body: { name: "plain" } });
    for (const [h, opts] of [
      [createTopup, { body: { token: "USDC", creditMicro: 5_000_000 } }],
      [listTopups, {}],
      [confirmTopup, { params: { id: crypto.randomUUID() }, body: { signature: "1".repeat(88) } }],
      [listKeys, {}],
      [me, {}],
    ] as const) {
      const res = await bearer(h, plain.json.secret, opts);
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe("key_not_allowed");
    }
    const noOrigin = await call(createKeyRoute, { cookie: a.cookie, origin: null, body: { name: "csrf" } });
    expect(noOrigin.status).toBe(403);
    expect(noOrigin.json.error.code).toBe("bad_origin");
    const badKey = await bearer(listKeys, "sk_solrouter_nope");
    expect(badKey.status).toBe(401);
  });

  it("rate-limits Bearer calls per management key", async () => {
    const a = await withManager(null);
    const codes = [];
    for (let i = 0; i < 80; i++) codes.push((await bearer(me, a.secret)).status);
    expect(codes.slice(0, 50).every((c) => c === 200)).toBe(true);
    expect(codes).toContain(429);
    // Another management key of the same account has its own bucket.
    const other = await call(createKeyRoute, { cookie: a.cookie, body: { name: "ops 2", canManageKeys: true } });
    expect((await bearer(me, other.json.secret)).status).toBe(200);
  });

  it("runs an agent's account from a keypair and one management key: top up, child key, spend, books balance", async () => {
    // The agent's only asset: a keypair holding SOL and test USDC.
    const agentKp = await net.fundedWallet();
    // It signs in once, to create its management key; everything after uses only that key.
    const cookie = await signIn(agentKp);
    const created = await call(createKeyRoute, {
      cookie,
      body: { name: "agent manager", canManageKeys: true, spendCap: { micro: 2_000_000, period: "month" } },
    });
    expect(created.status, created.text).toBe(201);
    const mgmt: string = created.json.secret;

    const intent = await bearer(createTopup, mgmt, { body: { token: "USDC", creditMicro: 3_000_000 } });
    expect(intent.status, intent.text).toBe(201);
    const topup: TestTopup = intent.json.topup;
    const signature = await pay(agentKp, topup);
    let confirmed;
    for (let i = 0; i < 60; i++) {
      confirmed = await bearer(confirmTopup, mgmt, { params: { id: topup.id }, body: { signature } });
      if (confirmed.status !== 202) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(confirmed!.status, confirmed!.text).toBe(200);
    expect(confirmed!.json.balanceMicro).toBe(3_000_000);
    expect((await bearer(listTopups, mgmt)).json.topups[0]).toMatchObject({ id: topup.id, status: "credited" });

    const child = await bearer(createKeyRoute, mgmt, {
      body: { name: "worker", spendCap: { micro: 500_000, period: "day" } },
    });
    expect(child.status, child.text).toBe(201);
    const answer = await call(chat, {
      method: "POST",
      path: "/v1/chat/completions",
      origin: null,
      headers: { authorization: `Bearer ${child.json.secret}` },
      body: { model: "gpt-oss:20b", messages: [{ role: "user", content: "hello" }], max_tokens: 32 },
    });
    expect(answer.status, answer.text).toBe(200);
    const cost = costMicro(
      findModel("gpt-oss:20b")!,
      answer.json.usage.prompt_tokens,
      answer.json.usage.completion_tokens,
    );
    // The management key itself may not call the model.
    const refused = await call(chat, {
      method: "POST",
      path: "/v1/chat/completions",
      origin: null,
      headers: { authorization: `Bearer ${mgmt}` },
      body: { model: "gpt-oss:20b", messages: [{ role: "user", content: "hello" }] },
    });
    expect(refused.status).toBe(403);
    expect(refused.json.error.code).toBe("key_not_allowed");

    const after = await bearer(me, mgmt);
    expect(after.json.balanceMicro).toBe(3_000_000 - Number(cost));
    const used = await bearer(usage, mgmt);
    expect(used.status).toBe(200);
    expect(used.json.items.filter((u: { status: number }) => u.status === 200)).toHaveLength(1);
    expect(used.json.totals.costMicro).toBe(Number(cost));
    expect(await checkLedger(db)).toEqual([]);
  });
});
