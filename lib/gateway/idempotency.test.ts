import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { openTestDb, testDbKinds, type TestDb } from "@/lib/test/db";
import { ensureAccount } from "@/lib/billing/ledger";
import { isAppError } from "@/lib/errors";
import { idempotencyKeys } from "@/lib/db/schema";
import {
  claimIdempotencyKey,
  idempotencyBodyHash,
  parseIdempotencyKey,
  purgeExpiredIdempotencyKeys,
  replayResponse,
  withIdempotency,
  type StoredAnswer,
} from "./idempotency";

const codeOf = (err: unknown) => (isAppError(err) ? err.code : String(err));
const answer = (body: string): StoredAnswer => ({
  status: 200,
  headers: { "content-type": "application/json", "x-solrouter-cost-micro": "42" },
  body,
});

describe.each(testDbKinds())("idempotency keys on %s", (kind) => {
  let db: TestDb;
  let accountId: string;
  beforeAll(async () => {
    db = await openTestDb(kind);
    accountId = await ensureAccount(db, `wallet-${randomUUID()}`);
  });
  afterAll(() => db.close());

  const input = (key: string, body = "{}") => ({ accountId, key, bodyHash: idempotencyBodyHash("/agent", body) });

  it("runs 20 concurrent repeats of one key once; the others replay or are told it is in progress", async () => {
    let runs = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, () =>
        withIdempotency(
          input("burst"),
          async () => {
            runs++;
            await new Promise((r) => setTimeout(r, 50));
            return answer(`{"id":"${runs}"}`);
          },
          { db },
        ),
      ),
    );
    expect(runs).toBe(1);
    const fresh = results.filter((r) => r.status === "fulfilled" && !r.value.replayed);
    expect(fresh).toHaveLength(1);
    for (const r of results) {
      if (r.status === "rejected") expect(codeOf(r.reason)).toBe("idempotency_in_progress");
      else expect(r.value.body).toBe('{"id":"1"}');
    }
    const again = await withIdempotency(input("burst"), async () => answer("never"), { db });
    expect(again).toMatchObject({ replayed: true, body: '{"id":"1"}', status: 200 });
    expect(again.headers["x-solrouter-cost-micro"]).toBe("42");
  });

  it("refuses the same key with another body, and scopes keys by account and endpoint", async () => {
    await withIdempotency(input("k-body", '{"a":1}'), async () => answer("first"), { db });
    await expect(withIdempotency(input("k-body", '{"a":2}'), async () => answer("x"), { db })).rejects.toSatisfy(
      (e) => codeOf(e) === "idempotency_conflict",
    );
    const other = await ensureAccount(db, `wallet-${randomUUID()}`);
    const theirs = await withIdempotency(
      { accountId: other, key: "k-body", bodyHash: idempotencyBodyHash("/agent", '{"a":2}') },
      async () => answer("theirs"),
      { db },
    );
    expect(theirs).toMatchObject({ replayed: false, body: "theirs" });
    const elsewhere = { accountId, key: "k-body", bodyHash: idempotencyBodyHash("/v1/chat/completions", '{"a":1}') };
    await expect(withIdempotency(elsewhere, async () => answer("x"), { db })).rejects.toSatisfy(
      (e) => codeOf(e) === "idempotency_conflict",
    );
  });

  it("without a key, just runs", async () => {
    let runs = 0;
    const run = async () => answer(String(++runs));
    expect(await withIdempotency(undefined, run, { db })).toMatchObject({ replayed: false, body: "1" });
    expect(await withIdempotency(undefined, run, { db })).toMatchObject({ replayed: false, body: "2" });
  });

  it("forgets a key whose run failed, so a retry runs", async () => {
    await expect(
      withIdempotency(
        input("k-fail"),
        async () => {
          throw new Error("upstream down");
        },
        { db },
      ),
    ).rejects.toThrow("upstream down");
    const retry = await withIdempotency(input("k-fail"), async () => answer("ok"), { db });
    expect(retry).toMatchObject({ replayed: false, body: "ok" });
  });

  it("runs again after expiry, with any body, and purges expired keys", async () => {
    await withIdempotency(input("k-exp", "one"), async () => answer("one"), { db, ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    const after = await withIdempotency(input("k-exp", "two"), async () => answer("two"), { db });
    expect(after).toMatchObject({ replayed: false, body: "two" });
    await withIdempotency(input("k-purge"), async () => answer("p"), { db, ttlMs: 1 });
    await new Promise((r) => setTimeout(r, 20));
    expect(await purgeExpiredIdempotencyKeys(db)).toBeGreaterThanOrEqual(1);
    const left = await db.rows<{ key: string }>(
      sql`SELECT key FROM ${idempotencyKeys} WHERE ${idempotencyKeys.accountId} = ${accountId}`,
    );
    expect(left.map((r) => r.key)).not.toContain("k-purge");
    expect(left.map((r) => r.key)).toContain("k-exp");
  });

  it("stores answers up to the bound; a larger one is not stored and a repeat gets 409, not a second run", async () => {
    const small = "x".repeat(100);
    await withIdempotency(input("k-small"), async () => answer(small), { db, maxBodyBytes: 100 });
    expect((await withIdempotency(input("k-small"), async () => answer("no"), { db })).body).toBe(small);
    const big = "é".repeat(51); // 102 bytes in UTF-8
    const first = await withIdempotency(input("k-big"), async () => answer(big), { db, maxBodyBytes: 100 });
    expect(first).toMatchObject({ replayed: false, body: big });
    let ran = false;
    await expect(
      withIdempotency(
        input("k-big"),
        async () => {
          ran = true;
          return answer("again");
        },
        { db },
      ),
    ).rejects.toSatisfy((e) => codeOf(e) === "idempotency_conflict" && /too large/.test((e as Error).message));
    expect(ran).toBe(false);
  });

  it("lets a retry take over a claim whose process died (its lease ran out), but not a live one", async () => {
    const dead = await claimIdempotencyKey(input("k-crash"), { db, leaseMs: 60_000 });
    expect(dead.kind).toBe("claimed");
    await expect(claimIdempotencyKey(input("k-crash"), { db })).rejects.toSatisfy(
      (e) => codeOf(e) === "idempotency_in_progress",
    );
    // The claimer "crashes": its lease is never extended again.
    await db.rows(sql`UPDATE ${idempotencyKeys} SET lease_until = now() - interval '1 second'
      WHERE ${idempotencyKeys.accountId} = ${accountId} AND ${idempotencyKeys.key} = 'k-crash'`);
    await expect(claimIdempotencyKey(input("k-crash", "other"), { db })).rejects.toSatisfy(
      (e) => codeOf(e) === "idempotency_conflict",
    );
    const retry = await withIdempotency(input("k-crash"), async () => answer("recovered"), { db });
    expect(retry).toMatchObject({ replayed: false, body: "recovered" });
    // The dead claimer can no longer write over the new owner's answer.
    if (dead.kind === "claimed") await dead.claim.complete(answer("stale"));
    expect((await withIdempotency(input("k-crash"), async () => answer("no"), { db })).body).toBe("recovered");
  });

  it("extends a live claim's lease while it runs", async () => {
    const got = await claimIdempotencyKey(input("k-long"), { db, leaseMs: 300 });
    await new Promise((r) => setTimeout(r, 600));
    await expect(claimIdempotencyKey(input("k-long"), { db })).rejects.toSatisfy(
      (e) => codeOf(e) === "idempotency_in_progress",
    );
    if (got.kind === "claimed") await got.claim.complete(answer("long"));
  });
});

describe("Idempotency-Key header and replay response", () => {
  it("accepts 1–255 visible ASCII characters", () => {
    expect(parseIdempotencyKey(null)).toBeUndefined();
    expect(parseIdempotencyKey("a".repeat(255))).toBe("a".repeat(255));
    for (const bad of ["", "a".repeat(256), "with space", "é"])
      expect(() => parseIdempotencyKey(bad)).toThrow(/Idempotency-Key/);
  });

  it("marks a replay", async () => {
    const res = replayResponse(answer('{"id":"7"}'));
    expect(res.headers.get("idempotent-replayed")).toBe("true");
    expect(res.headers.get("x-solrouter-cost-micro")).toBe("42");
    expect(await res.json()).toEqual({ id: "7" });
  });
});
