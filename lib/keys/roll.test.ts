import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { testDbKinds, type TestDb } from "@/lib/test/db";
import { closeKeysDb, expectCode, keysApi, openKeysDb } from "@/lib/test/keys";
import { signedInAccount } from "@/lib/test/session";
import { generateApiKey, keyStart, parseApiKey } from "@/lib/keys/format";
import { resolveApiKey } from "@/lib/keys/resolve";

// Rolling replaces a key's secret at once or after a grace period, moves its cap and month spend
// to the replacement, keeps the active-key limit; key names refuse characters that hide or
// reorder text (issue 10, point 7).

type Account = Awaited<ReturnType<typeof signedInAccount>>;

const { create, patch } = keysApi;
const list = async (a: Account) => (await keysApi.list(a)).json.keys as Record<string, unknown>[];
const roll = (a: Account, id: string, graceSeconds: number) => keysApi.roll(a, id, { graceSeconds });

/** Every code point issue 10 lists, and the others of the same kinds. */
const REFUSED_IN_NAMES = [
  ...[0x00, 0x07, 0x09, 0x0a, 0x0d, 0x1b, 0x1f, 0x7f], // C0 and DEL
  ...[0x80, 0x85, 0x9b, 0x9f], // C1, incl. NEL
  0x2028,
  0x2029, // line and paragraph separators
  ...[0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069], // bidi embeddings, overrides, isolates
  ...[0x200e, 0x200f, 0x061c], // bidi marks
  ...[0x200b, 0x2060, 0xfeff, 0x00ad, 0x180e], // zero-width space, word joiner, BOM, soft hyphen, Mongolian vowel separator
];
const ACCEPTED_IN_NAMES = ["café ☕", "日本語のキー", "دکمه‌ها", "👨‍👩‍👧 family", "🏴󠁧󠁢󠁥󠁮󠁧󠁿 flag", "tab-less name"];
const hex = (cp: number) => `U+${cp.toString(16).toUpperCase().padStart(4, "0")}`;

describe.each(testDbKinds())("rolling keys (%s)", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openKeysDb(kind);
  });
  afterAll(() => closeKeysDb(db));

  async function spend(a: Account, keyId: string, cost: number) {
    // What a settled call leaves behind: a usage event (the rollup follows) and the period spend
    // of the key its cap is on (roll-cap.test.ts drives real calls through the gateway).
    await db.query(
      `INSERT INTO usage_events (account_id, key_id, auth_kind, model, input_tokens, output_tokens, cost_micro, latency_ms, status)
       VALUES ($1, $2, 'key', 'gpt-oss:20b', 10, 10, $3, 5, 200)`,
      [a.accountId, keyId, cost],
    );
    await db.query(
      `UPDATE api_keys SET period_spend_micro = CASE WHEN period_start = date_trunc('month', now() AT TIME ZONE 'UTC')::date THEN period_spend_micro ELSE 0 END + $2,
              period_start = date_trunc('month', now() AT TIME ZONE 'UTC')::date
       WHERE id = (SELECT COALESCE(cap_key_id, id) FROM api_keys WHERE id = $1)`,
      [keyId, cost],
    );
  }
  const row = async (id: string) =>
    (
      await db.query<{ period_spend_micro: string; cap_key_id: string | null }>(
        "SELECT period_spend_micro, cap_key_id FROM api_keys WHERE id = $1",
        [id],
      )
    )[0]!;

  it("rolls with no grace: the old key is expired at once, the new one works with the same settings", async () => {
    const a = await signedInAccount();
    const expiresAt = new Date(Date.now() + 30 * 86400_000).toISOString();
    const { json: old } = await create(a, { name: "prod", expiresAt, spendCapMicro: 2_000_000 });
    await resolveApiKey(old.secret);

    const res = await keysApi.roll(a, old.key.id, { graceSeconds: 0 });
    expect(res.status).toBe(201);
    const { key, secret, replaced } = res.json;
    expect(parseApiKey(secret).ok).toBe(true);
    expect(secret).not.toBe(old.secret);
    expect(key).toMatchObject({
      name: "prod",
      expiresAt,
      spendCapMicro: 2_000_000,
      status: "active",
      start: keyStart(secret),
    });
    expect(replaced).toMatchObject({ id: old.key.id, replacedBy: key.id, status: "expired" });

    await expectCode(resolveApiKey(old.secret), "expired_api_key");
    await expect(resolveApiKey(secret)).resolves.toMatchObject({ keyId: key.id, spendCapMicro: 2_000_000n });

    const twice = await keysApi.roll(a, old.key.id, { graceSeconds: 3600 });
    expect(twice.status).toBe(400);
    expect(twice.json.error.code).toBe("invalid_request");
    expect(JSON.stringify((await keysApi.list(a)).json)).not.toContain(secret.slice(13, 45));
  });

  it("rolls with a grace period: the old key keeps working until it ends, never past its own expiry", async () => {
    const a = await signedInAccount();
    const { json: old } = await create(a, { name: "staging" });
    await resolveApiKey(old.secret);
    const before = Date.now();
    const res = await keysApi.roll(a, old.key.id, { graceSeconds: 3600 });
    expect(res.status).toBe(201);
    const graceEnd = Date.parse(res.json.replaced.expiresAt);
    expect(graceEnd).toBeGreaterThanOrEqual(before + 3600_000 - 1000);
    expect(graceEnd).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);
    expect(res.json.replaced.status).toBe("active");
    await expect(resolveApiKey(old.secret)).resolves.toMatchObject({ keyId: old.key.id });
    await expectCode(resolveApiKey(old.secret, graceEnd + 1), "expired_api_key");
    await expect(resolveApiKey(res.json.secret)).resolves.toMatchObject({ keyId: res.json.key.id });

    const soon = new Date(Date.now() + 600_000).toISOString();
    const { json: short } = await create(a, { name: "short" });
    await db.query("UPDATE api_keys SET expires_at = $2 WHERE id = $1", [short.key.id, soon]);
    const long = await keysApi.roll(a, short.key.id, { graceSeconds: 86400 });
    expect(long.status).toBe(201);
    expect(long.json.replaced.expiresAt).toBe(soon);

    for (const body of [{ graceSeconds: 5 }, { graceSeconds: "3600" }, {}]) {
      const bad = await keysApi.roll(a, res.json.key.id, body);
      expect(bad.status, JSON.stringify(body)).toBe(400);
      expect(bad.json.error.code).toBe("invalid_request");
    }
    expect((await keysApi.roll(a, "nope", { graceSeconds: 0 })).status).toBe(404);
  });

  it("moves the month's spend and the cap to the new key; the old one shows and counts against them", async () => {
    const a = await signedInAccount();
    const { json: old } = await create(a, { name: "prod", spendCapMicro: 1_000_000 });
    await spend(a, old.key.id, 400_000);
    const res = await roll(a, old.key.id, 86400);
    expect(res.status).toBe(201);
    const { key } = res.json;
    expect(key).toMatchObject({ spendCapMicro: 1_000_000, capKeyId: null });
    expect(res.json.replaced).toMatchObject({
      id: old.key.id,
      status: "active",
      replacedBy: key.id,
      capKeyId: key.id,
      spendCapMicro: 1_000_000,
    });
    expect(BigInt((await row(key.id)).period_spend_micro)).toBe(400_000n);
    expect((await row(old.key.id)).cap_key_id).toBe(key.id);

    const byId = async () => new Map((await list(a)).map((k) => [k.id, k]));
    let keys = await byId();
    expect(keys.get(key.id)).toMatchObject({ monthSpendMicro: 400_000, spendCapMicro: 1_000_000, capKeyId: null });
    expect(keys.get(old.key.id)).toMatchObject({
      monthSpendMicro: 400_000,
      spendCapMicro: 1_000_000,
      capKeyId: key.id,
    });

    // The old key's calls in its grace count against the new key's cap, which it shows.
    await expect(resolveApiKey(old.secret)).resolves.toMatchObject({
      keyId: old.key.id,
      capKeyId: key.id,
      spendCapMicro: 1_000_000n,
    });
    await expect(resolveApiKey(res.json.secret)).resolves.toMatchObject({
      keyId: key.id,
      capKeyId: key.id,
      spendCapMicro: 1_000_000n,
    });
    await spend(a, old.key.id, 100_000);
    await spend(a, key.id, 50_000);
    keys = await byId();
    expect(keys.get(key.id)).toMatchObject({ monthSpendMicro: 550_000 });
    expect(keys.get(old.key.id)).toMatchObject({ monthSpendMicro: 550_000 });

    // A new cap on the new key applies to the old one at once (cache included); the old key's
    // own cap is no longer used, so changing it is refused.
    expect((await patch(a, key.id, { spendCapMicro: 700_000 })).status).toBe(200);
    await expect(resolveApiKey(old.secret)).resolves.toMatchObject({ spendCapMicro: 700_000n });
    expect((await byId()).get(old.key.id)).toMatchObject({ spendCapMicro: 700_000 });
    const refused = await patch(a, old.key.id, { spendCapMicro: 5_000_000 });
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe("invalid_request");
    expect((await patch(a, old.key.id, { name: "prod (old)" })).json.key).toMatchObject({
      name: "prod (old)",
      spendCapMicro: 700_000,
    });
  });

  it("keeps one cap along a chain of rolls", async () => {
    const a = await signedInAccount();
    const { json: first } = await create(a, { name: "chain", spendCapMicro: 900_000 });
    await spend(a, first.key.id, 100_000);
    await resolveApiKey(first.secret);
    const second = (await roll(a, first.key.id, 86400)).json;
    await spend(a, first.key.id, 20_000);
    await spend(a, second.key.id, 30_000);
    const third = (await roll(a, second.key.id, 3600)).json;
    expect(third.replaced).toMatchObject({ id: second.key.id, capKeyId: third.key.id });
    for (const id of [first.key.id, second.key.id]) expect((await row(id)).cap_key_id).toBe(third.key.id);
    expect((await row(third.key.id)).cap_key_id).toBeNull();
    expect(BigInt((await row(third.key.id)).period_spend_micro)).toBe(150_000n);
    for (const secret of [first.secret, second.secret, third.secret]) {
      await expect(resolveApiKey(secret)).resolves.toMatchObject({ capKeyId: third.key.id, spendCapMicro: 900_000n });
    }
    for (const k of await list(a)) expect(k).toMatchObject({ monthSpendMicro: 150_000, spendCapMicro: 900_000 });
  });

  it("never lets 30 rolls with a 24 h grace take the account past 25 active keys", async () => {
    const a = await signedInAccount();
    const active = async () => (await list(a)).filter((k) => k.status === "active").length;
    let newest = "";
    for (let i = 0; i < 20; i++) newest = (await create(a, { name: `k${i}` })).json.key.id;
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) {
      const res = await roll(a, newest, 86400);
      statuses.push(res.status);
      if (res.status === 201) newest = res.json.key.id;
      else expect(res.json.error.code).toBe("too_many_keys");
      expect(await active()).toBeLessThanOrEqual(25);
    }
    expect(statuses.filter((s) => s === 201)).toHaveLength(5);
    expect(statuses.slice(5).every((s) => s === 409)).toBe(true);
    expect(await active()).toBe(25);
    // Replacing a leaked key is never blocked: a roll without grace swaps one key for one.
    const swap = await roll(a, newest, 0);
    expect(swap.status).toBe(201);
    expect(await active()).toBe(25);
    expect((await create(a, { name: "one too many" })).status).toBe(409);
  });

  it("lets one of 24 concurrent rolls with grace through at 24 active keys", async () => {
    const a = await signedInAccount();
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) ids.push((await create(a, { name: `c${i}` })).json.key.id);
    const results = await Promise.all(ids.map((id) => roll(a, id, 3600)));
    expect(results.filter((r) => r.status === 201)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409 && r.json.error.code === "too_many_keys")).toHaveLength(23);
    expect((await list(a)).filter((k) => k.status === "active")).toHaveLength(25);
  });

  it("refuses control, separator, bidi and invisible characters in names on create and rename", async () => {
    const a = await signedInAccount();
    const { json: target } = await create(a, { name: "target" });
    for (const cp of REFUSED_IN_NAMES) {
      const name = `a${String.fromCodePoint(cp)}b`;
      for (const res of [await create(a, { name }), await patch(a, target.key.id, { name })]) {
        expect(res.status, hex(cp)).toBe(400);
        expect(res.json.error.code, hex(cp)).toBe("invalid_request");
      }
    }
    const lone = await create(a, { name: "a\ud800b" });
    expect(lone.status).toBe(400);
    expect((await list(a)).map((k) => k.name)).toEqual(["target"]);
    for (const name of ACCEPTED_IN_NAMES) expect((await create(a, { name })).json.key?.name, name).toBe(name);
  });

  it("gives a rolled key a clean name when the old name was stored before these rules", async () => {
    const a = await signedInAccount();
    // PostgreSQL text cannot hold U+0000, so no stored name has it.
    for (const cp of REFUSED_IN_NAMES.filter((c) => c !== 0)) {
      const k = generateApiKey();
      const [{ id }] = (await db.query<{ id: string }>(
        "INSERT INTO api_keys (account_id, name, key_hash, start) VALUES ($1, $2, $3, $4) RETURNING id",
        [a.accountId, `old${String.fromCodePoint(cp)}name`, k.hash, k.start],
      )) as [{ id: string }];
      const res = await roll(a, id, 0);
      expect(res.status, hex(cp)).toBe(201);
      expect(res.json.key.name, hex(cp)).toBe("oldname");
    }
    const k = generateApiKey();
    const [{ id }] = (await db.query<{ id: string }>(
      "INSERT INTO api_keys (account_id, name, key_hash, start) VALUES ($1, '\u202e\u2028', $2, $3) RETURNING id",
      [a.accountId, k.hash, k.start],
    )) as [{ id: string }];
    expect((await roll(a, id, 0)).json.key.name).toBe("Rolled key");
  });
});
