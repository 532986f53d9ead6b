import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nacl from "tweetnacl";
import bs58 from "bs58";
import { overrideEnv } from "@/lib/env";
import { testDbKinds, type TestDb } from "@/lib/test/db";
import { call, cookieFrom } from "@/lib/test/http";
import { closeKeysDb, openKeysDb } from "@/lib/test/keys";
import { signedInAccount } from "@/lib/test/session";
import { runWithPeer } from "@/lib/http/peer";
import { createSignInMessageText, type SignInInput } from "@/lib/auth/siws-message";
import { GET as challenge } from "@/app/api/auth/challenge/route";
import { POST as verify } from "@/app/api/auth/verify/route";
import { POST as logout } from "@/app/api/auth/logout/route";
import { POST as createKeyRoute } from "@/app/api/keys/route";
import { DELETE as revokeRoute, PATCH as patchRoute } from "@/app/api/keys/[id]/route";
import { POST as rollRoute } from "@/app/api/keys/[id]/roll/route";
import { GET as activityRoute } from "@/app/api/activity/route";
import { GET as csvRoute } from "@/app/api/activity/export.csv/route";
import { GET as sessionsRoute } from "@/app/api/sessions/route";
import { DELETE as endRoute } from "@/app/api/sessions/[id]/route";
import { POST as othersRoute } from "@/app/api/sessions/revoke-others/route";

const IP = "203.0.113.7";
const UA = "Mozilla/5.0 (activity test)";
type Opts = Parameters<typeof call>[1];
/** A route call from a real peer address with a browser user agent. */
const from = (handler: Parameters<typeof call>[0], opts: Opts = {}) =>
  runWithPeer({ address: IP, forwardedFor: undefined }, () =>
    call(handler, { ...opts, headers: { "user-agent": UA, ...opts?.headers } }),
  );

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

async function signIn(kp = nacl.sign.keyPair(), tamper = false) {
  const address = bs58.encode(kp.publicKey);
  const input: SignInInput = (await from(challenge, { path: `/api/auth/challenge?address=${address}` })).json.input;
  const msg = new TextEncoder().encode(createSignInMessageText({ ...input, address }));
  const sig = nacl.sign.detached(msg, kp.secretKey);
  if (tamper) sig[0]! ^= 1;
  const body = {
    output: { account: { address, publicKey: b64(kp.publicKey) }, signedMessage: b64(msg), signature: b64(sig) },
  };
  const res = await from(verify, { body });
  return { res, kp, address, body };
}

describe.each(testDbKinds())("activity log and sessions (%s)", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openKeysDb(kind);
    overrideEnv({
      APP_URL: "http://localhost:3000",
      SOLANA_CLUSTER: "localnet",
      SIGNIN_RATE_LIMIT_PER_MINUTE: "100000",
    });
  });
  afterAll(() => closeKeysDb(db));

  const events = (accountId: string) =>
    db.query<{ kind: string; ip: string | null; user_agent: string | null; details: unknown }>(
      "SELECT kind, ip, user_agent, details FROM activity_events WHERE account_id = $1 ORDER BY id",
      [accountId],
    );
  const allEvents = async () =>
    Number((await db.query<{ n: string | number }>("SELECT count(*) AS n FROM activity_events"))[0]!.n);
  const accountOf = async (wallet: string) =>
    (await db.query<{ id: string }>("SELECT id FROM accounts WHERE wallet = $1", [wallet]))[0]!.id;

  it("records sign-in and sign-out once each with address and browser; a failed sign-in records nothing", async () => {
    const before = await allEvents();
    const bad = await signIn(undefined, true);
    expect(bad.res.status).toBe(401);
    expect(await allEvents()).toBe(before);

    const { res, address, body } = await signIn();
    expect(res.status).toBe(200);
    const accountId = await accountOf(address);
    expect(await events(accountId)).toEqual([{ kind: "signed_in", ip: IP, user_agent: UA, details: {} }]);
    // A replayed signature loses the nonce race: no session, no second event.
    expect((await from(verify, { body })).json.error.code).toBe("nonce_used");
    expect(await events(accountId)).toHaveLength(1);
    const [session] = await db.query("SELECT ip, user_agent FROM sessions WHERE account_id = $1", [accountId]);
    expect(session).toEqual({ ip: IP, user_agent: UA });

    expect((await from(logout, { method: "POST", cookie: cookieFrom(res) })).status).toBe(204);
    expect((await events(accountId)).map((e) => [e.kind, e.ip, e.user_agent])).toEqual([
      ["signed_in", IP, UA],
      ["signed_out", IP, UA],
    ]);
  });

  it("records each key action once, with the old and new cap on edits, and nothing for a refused one", async () => {
    const a = await signedInAccount();
    const created = await from(createKeyRoute, { cookie: a.cookie, body: { name: "app", spendCapMicro: 5_000_000 } });
    expect(created.status).toBe(201);
    const id = created.json.key.id as string;
    expect((await from(createKeyRoute, { cookie: a.cookie, body: { name: "x".repeat(500) } })).status).toBe(400);
    expect(
      (
        await from(patchRoute, {
          method: "PATCH",
          cookie: a.cookie,
          params: { id },
          body: { spendCapMicro: 7_000_000 },
        })
      ).status,
    ).toBe(200);
    expect(
      (await from(patchRoute, { method: "PATCH", cookie: a.cookie, params: { id }, body: { spendCapMicro: -1 } }))
        .status,
    ).toBe(400);
    const rolled = await from(rollRoute, { cookie: a.cookie, params: { id }, body: { graceSeconds: 0 } });
    expect(rolled.status).toBe(201);
    const fresh = rolled.json.key.id as string;
    expect((await from(revokeRoute, { method: "DELETE", cookie: a.cookie, params: { id: fresh } })).status).toBe(200);
    expect((await from(revokeRoute, { method: "DELETE", cookie: a.cookie, params: { id: fresh } })).status).toBe(200);

    const got = await events(a.accountId);
    expect(got.map((e) => e.kind)).toEqual(["key_created", "key_edited", "key_rolled", "key_revoked"]);
    for (const e of got) expect([e.ip, e.user_agent]).toEqual([IP, UA]);
    expect(got[1]!.details).toMatchObject({ keyId: id, oldCapMicro: "5000000", newCapMicro: "7000000" });
    expect(got[2]!.details).toMatchObject({ keyId: id, newKeyId: fresh });
    expect(JSON.stringify(got)).not.toContain("sk-");
  });

  it("pages newest first without gaps or repeats, hides other accounts' events, and exports CSV", async () => {
    const a = await signedInAccount();
    const b = await signedInAccount();
    for (let i = 0; i < 5; i++)
      await from(createKeyRoute, {
        cookie: a.cookie,
        body: { name: `k${i}` },
        headers: { "user-agent": `=HYPERLINK("x")` },
      });
    await from(createKeyRoute, { cookie: b.cookie, body: { name: "theirs" } });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page = await call(activityRoute, {
        path: `/api/activity?limit=2${cursor ? `&cursor=${cursor}` : ""}`,
        cookie: a.cookie,
      });
      expect(page.status).toBe(200);
      seen.push(...page.json.events.map((e: { details: { name: string } }) => e.details.name));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["k4", "k3", "k2", "k1", "k0"]);

    // B's newest event id as A's cursor matches nothing of A's.
    const theirs = (await call(activityRoute, { path: "/api/activity", cookie: b.cookie })).json.events;
    expect(theirs.map((e: { details: { name: string } }) => e.details.name)).toEqual(["theirs"]);
    const cross = await call(activityRoute, { path: `/api/activity?cursor=${theirs[0].id}`, cookie: a.cookie });
    expect(cross.json.events).toEqual([]);
    expect((await call(activityRoute, { path: "/api/activity?limit=0", cookie: a.cookie })).json.error.code).toBe(
      "invalid_request",
    );
    expect((await call(activityRoute, { path: "/api/activity?cursor=abc", cookie: a.cookie })).status).toBe(400);

    const csv = await call(csvRoute, { path: "/api/activity/export.csv", cookie: a.cookie });
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toContain("text/csv");
    const lines = csv.text.split("\r\n");
    expect(lines[0]).toBe("id,time_utc,kind,ip,user_agent,details");
    expect(lines).toHaveLength(7); // header, five events, trailing empty
    expect(lines[1]).toMatch(/^\d+,\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z,key_created,/);
    expect(lines[1]).toContain(`"'=HYPERLINK(""x"")"`);
    expect(csv.text).not.toContain("theirs");
  });

  it("lists sessions marking the current one, ends one, refuses another account's, and ends all others", async () => {
    const first = await signIn();
    const kp = first.kp;
    const second = await signIn(kp);
    const third = await signIn(kp);
    const accountId = await accountOf(first.address);
    const cookies = [first, second, third].map((s) => cookieFrom(s.res));

    const listed = await call(sessionsRoute, { path: "/api/sessions", cookie: cookies[0] });
    expect(listed.status).toBe(200);
    expect(listed.json.sessions).toHaveLength(3);
    expect(listed.json.sessions.filter((s: { current: boolean }) => s.current)).toHaveLength(1);
    expect(listed.json.sessions[0]).toMatchObject({ ip: IP, userAgent: UA });
    expect(listed.text).not.toMatch(/token|hash/i);

    const other = await signedInAccount();
    const otherId = (await call(sessionsRoute, { path: "/api/sessions", cookie: other.cookie })).json.sessions[0].id;
    const before = await allEvents();
    const refused = await from(endRoute, { method: "DELETE", cookie: cookies[0], params: { id: otherId } });
    expect(refused.status).toBe(404);
    expect(refused.json.error.code).toBe("not_found");
    expect((await call(sessionsRoute, { path: "/api/sessions", cookie: other.cookie })).status).toBe(200);
    expect(await allEvents()).toBe(before);

    const thirdId =
      listed.json.sessions.find((s: { current: boolean; createdAt: string }, i: number) => !s.current && i === 0)?.id ??
      listed.json.sessions.find((s: { current: boolean }) => !s.current).id;
    expect((await from(endRoute, { method: "DELETE", cookie: cookies[0], params: { id: thirdId } })).status).toBe(204);
    expect((await call(sessionsRoute, { path: "/api/sessions", cookie: cookies[0] })).json.sessions).toHaveLength(2);

    await signIn(kp);
    const ended = await from(othersRoute, { cookie: cookies[0], body: {} });
    expect(ended.status).toBe(200);
    expect(ended.json.ended).toBe(2);
    for (const c of cookies.slice(1))
      expect((await call(sessionsRoute, { path: "/api/sessions", cookie: c })).status).toBe(401);
    const left = await call(sessionsRoute, { path: "/api/sessions", cookie: cookies[0] });
    expect(left.json.sessions).toEqual([expect.objectContaining({ current: true })]);
    const kinds = (await events(accountId)).map((e) => e.kind);
    expect(kinds).toEqual([
      "signed_in",
      "signed_in",
      "signed_in",
      "session_ended",
      "signed_in",
      "other_sessions_ended",
    ]);
    expect((await events(accountId)).at(-1)).toMatchObject({ ip: IP, user_agent: UA, details: { count: 2 } });
  });
});
