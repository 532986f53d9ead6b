import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDbKinds, type TestDb } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { closeKeysDb, expectCode, keysApi, openKeysDb } from "@/lib/test/keys";
import { signedInAccount } from "@/lib/test/session";
import { hashApiKey, keyStart, parseApiKey } from "@/lib/keys/format";
import { resolveApiKey } from "@/lib/keys/resolve";
import { GET as listRoute, POST as createRoute } from "@/app/api/keys/route";
import { DELETE as revokeRoute, PATCH as patchRoute } from "@/app/api/keys/[id]/route";
import { POST as rollRoute } from "@/app/api/keys/[id]/roll/route";

const { create, list, revoke, patch, roll } = keysApi;

describe.each(testDbKinds())("API keys (%s)", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openKeysDb(kind);
  });
  afterAll(() => closeKeysDb(db));

  it("creates a key whose secret is shown once, parses, and is stored only as its hash", async () => {
    const a = await signedInAccount();
    const res = await create(a, { name: "  my app  " });
    expect(res.status).toBe(201);
    const { key, secret } = res.json;
    expect(secret).toHaveLength(51);
    expect(parseApiKey(secret).ok).toBe(true);
    expect(key).toMatchObject({
      name: "my app",
      start: keyStart(secret),
      status: "active",
      lastUsedAt: null,
      expiresAt: null,
      revokedAt: null,
      spendCapMicro: null,
    });
    expect(JSON.stringify(key)).not.toContain(secret.slice(13));

    const [row] = await db.query<{ key_hash: string; account_id: string }>(
      "SELECT key_hash, account_id FROM api_keys WHERE id = $1",
      [key.id],
    );
    expect(row).toEqual({ key_hash: hashApiKey(secret), account_id: a.accountId });
    expect(
      await db.query("SELECT 1 FROM api_keys WHERE key_hash = $1 OR start = $1 OR name = $1", [secret]),
    ).toHaveLength(0);

    const listed = await list(a);
    expect(listed.status).toBe(200);
    expect(listed.json.keys).toHaveLength(1);
    expect(listed.json.keys[0]).toMatchObject({ id: key.id, name: "my app", status: "active", monthSpendMicro: 0 });
    expect(listed.text).not.toContain(secret.slice(13, 45));
    expect(listed.text).not.toContain(row!.key_hash);
    expect(listed.text).not.toMatch(/hash/i);

    const resolved = await resolveApiKey(secret);
    expect(resolved).toMatchObject({ keyId: key.id, accountId: a.accountId, name: "my app" });
  });

  it("keeps expiry and spend cap, lists newest first, and sums this month's spend per key", async () => {
    const a = await signedInAccount();
    const expiresAt = new Date(Date.now() + 7 * 86400_000).toISOString();
    const first = await create(a, { name: "capped", expiresAt, spendCapMicro: 5_000_000 });
    expect(first.status).toBe(201);
    expect(first.json.key).toMatchObject({ expiresAt, spendCapMicro: 5_000_000, status: "active" });
    const second = await create(a, { name: "second" });
    const thisMonth = new Date();
    const lastMonth = new Date(Date.UTC(thisMonth.getUTCFullYear(), thisMonth.getUTCMonth(), 1) - 1000);
    const events: [string, number, Date][] = [
      [first.json.key.id, 1_250_000, thisMonth],
      [first.json.key.id, 250_001, thisMonth],
      [first.json.key.id, 9_000_000, lastMonth],
    ];
    for (const [keyId, cost, at] of events) {
      await db.query(
        `INSERT INTO usage_events (account_id, key_id, auth_kind, model, input_tokens, output_tokens, cost_micro, latency_ms, status, created_at)
         VALUES ($1, $2, 'key', 'gpt-oss:20b', 10, 10, $3, 5, 200, $4)`,
        [a.accountId, keyId, cost, at],
      );
    }
    // Another account's spend on a key id must not leak into this account's numbers.
    const other = await signedInAccount();
    await db.query(
      `INSERT INTO usage_events (account_id, key_id, auth_kind, model, input_tokens, output_tokens, cost_micro, latency_ms, status)
       VALUES ($1, $2, 'key', 'gpt-oss:20b', 1, 1, 777, 5, 200)`,
      [other.accountId, second.json.key.id],
    );
    const listed = await list(a);
    expect(listed.json.keys.map((k: { name: string }) => k.name)).toEqual(["second", "capped"]);
    expect(listed.json.keys[1]).toMatchObject({ spendCapMicro: 5_000_000, monthSpendMicro: 1_500_001 });
    expect(listed.json.keys[0].monthSpendMicro).toBe(0);
  });

  it("refuses bad input with 400 invalid_request", async () => {
    const a = await signedInAccount();
    const bad: unknown[] = [
      {},
      { name: "" },
      { name: "   " },
      { name: "x".repeat(65) },
      { name: "line\nbreak" },
      { name: 42 },
      { name: "past", expiresAt: new Date(Date.now() - 1000).toISOString() },
      { name: "not a date", expiresAt: "tomorrow" },
      { name: "cap", spendCapMicro: 0 },
      { name: "cap", spendCapMicro: -5 },
      { name: "cap", spendCapMicro: 1.5 },
      { name: "cap", spendCapMicro: "100" },
      "not json",
    ];
    for (const body of bad) {
      const res = await create(a, body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.json.error.code).toBe("invalid_request");
    }
    expect((await create(a, { name: "x".repeat(64) })).status).toBe(201);
    expect((await list(a)).json.keys).toHaveLength(1);
  });

  it("allows at most 25 active keys; revoked and expired keys do not count", async () => {
    const a = await signedInAccount();
    const ids: string[] = [];
    for (let i = 0; i < 25; i++) {
      const res = await create(a, { name: `k${i}` });
      expect(res.status).toBe(201);
      ids.push(res.json.key.id);
    }
    const over = await create(a, { name: "one too many" });
    expect(over.status).toBe(409);
    expect(over.json.error.code).toBe("too_many_keys");

    expect((await revoke(a, ids[0]!)).status).toBe(200);
    expect((await create(a, { name: "after revoke" })).status).toBe(201);
    expect((await create(a, { name: "full again" })).status).toBe(409);

    await db.query("UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE id = $1", [ids[1]]);
    expect((await create(a, { name: "after expiry" })).status).toBe(201);
    // Another account is not affected by this one's limit.
    expect((await create(await signedInAccount(), { name: "elsewhere" })).status).toBe(201);
  });

  it("lets exactly 25 of 30 concurrent creates through", async () => {
    const a = await signedInAccount();
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => create(a, { name: `race ${i}` })));
    expect(results.filter((r) => r.status === 201)).toHaveLength(25);
    const refused = results.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(5);
    for (const r of refused) expect(r.json.error.code).toBe("too_many_keys");
    const [{ n }] = (await db.query<{ n: number }>("SELECT count(*)::int AS n FROM api_keys WHERE account_id = $1", [
      a.accountId,
    ])) as [{ n: number }];
    expect(n).toBe(25);
  });

  it("revokes idempotently, at once (cache included), and only the owner's keys", async () => {
    const a = await signedInAccount();
    const b = await signedInAccount();
    const { json } = await create(a, { name: "to revoke" });
    const id = json.key.id as string;
    // Cache the key first, so that only invalidation can make the next resolve see the revocation.
    await resolveApiKey(json.secret);

    const stranger = await revoke(b, id);
    expect(stranger.status).toBe(404);
    expect(stranger.json.error.code).toBe("not_found");
    const [untouched] = await db.query<{ revoked_at: unknown }>("SELECT revoked_at FROM api_keys WHERE id = $1", [id]);
    expect(untouched!.revoked_at).toBeNull();
    expect((await patch(b, id, { name: "mine now" })).status).toBe(404);
    expect((await roll(b, id, { graceSeconds: 0 })).status).toBe(404);
    await expect(resolveApiKey(json.secret)).resolves.toMatchObject({ keyId: id, name: "to revoke" });

    const first = await revoke(a, id);
    expect(first.status).toBe(200);
    expect(first.json.key).toMatchObject({ id, status: "revoked" });
    expect(first.json.key.revokedAt).toEqual(expect.any(String));
    await expectCode(resolveApiKey(json.secret), "revoked_api_key");

    const again = await revoke(a, id);
    expect(again.status).toBe(200);
    expect(again.json.key.revokedAt).toBe(first.json.key.revokedAt);

    for (const bad of ["not-a-uuid", "00000000-0000-0000-0000-000000000000", "'; DROP TABLE api_keys; --"]) {
      const res = await revoke(a, bad);
      expect(res.status, bad).toBe(404);
      expect(res.json.error.code).toBe("not_found");
    }
    // A revoked key cannot be rolled back to life.
    const rolled = await roll(a, id, { graceSeconds: 0 });
    expect(rolled.status).toBe(400);
    expect(rolled.json.error.code).toBe("invalid_request");
  });

  it("renames and caps a key, and resolvers see the change at once", async () => {
    const a = await signedInAccount();
    const { json } = await create(a, { name: "before" });
    await resolveApiKey(json.secret);
    const res = await patch(a, json.key.id, { name: " after ", spendCapMicro: 3_000_000 });
    expect(res.status).toBe(200);
    expect(res.json.key).toMatchObject({ name: "after", spendCapMicro: 3_000_000 });
    await expect(resolveApiKey(json.secret)).resolves.toMatchObject({ name: "after", spendCapMicro: 3_000_000n });
    const cleared = await patch(a, json.key.id, { spendCapMicro: null });
    expect(cleared.json.key).toMatchObject({ name: "after", spendCapMicro: null });
    await expect(resolveApiKey(json.secret)).resolves.toMatchObject({ spendCapMicro: null });
    for (const body of [{ name: "" }, { spendCapMicro: 0 }, { spendCapMicro: 2.5 }, { spendCapMicro: 10 ** 16 }]) {
      const bad = await patch(a, json.key.id, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.json.error.code).toBe("invalid_request");
    }
    expect((await patch(a, "bad-id", { name: "x" })).status).toBe(404);
  });

  it("needs a session, and our Origin on changes", async () => {
    const a = await signedInAccount();
    const { json } = await create(a, { name: "guarded" });
    const id = json.key.id as string;
    const anonymous = [
      call(listRoute, { path: "/api/keys" }),
      call(createRoute, { path: "/api/keys", body: { name: "x" } }),
      call(revokeRoute, { method: "DELETE", path: `/api/keys/${id}`, params: { id } }),
      call(patchRoute, { method: "PATCH", path: `/api/keys/${id}`, params: { id }, body: { name: "x" } }),
      call(rollRoute, { path: `/api/keys/${id}/roll`, params: { id }, body: { graceSeconds: 0 } }),
      call(listRoute, { path: "/api/keys", cookie: "sr_session=forged" }),
    ];
    for (const res of await Promise.all(anonymous)) {
      expect(res.status).toBe(401);
      expect(res.json.error.code).toBe("unauthenticated");
    }
    for (const origin of ["https://evil.example", null]) {
      const attempts = [
        call(createRoute, { path: "/api/keys", cookie: a.cookie, body: { name: "csrf" }, origin }),
        call(revokeRoute, { method: "DELETE", path: `/api/keys/${id}`, cookie: a.cookie, params: { id }, origin }),
        call(patchRoute, {
          method: "PATCH",
          path: `/api/keys/${id}`,
          cookie: a.cookie,
          params: { id },
          body: { name: "csrf" },
          origin,
        }),
        call(rollRoute, {
          path: `/api/keys/${id}/roll`,
          cookie: a.cookie,
          params: { id },
          body: { graceSeconds: 0 },
          origin,
        }),
      ];
      for (const res of await Promise.all(attempts)) {
        expect(res.status).toBe(403);
        expect(res.json.error.code).toBe("bad_origin");
      }
    }
    const keys = (await list(a)).json.keys;
    expect(keys).toHaveLength(1);
    expect(keys[0]).toMatchObject({ name: "guarded", status: "active" });
  });
});
