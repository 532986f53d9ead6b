import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { AppError } from "@/lib/errors";
import { openDb, type DbHandle } from "@/lib/db/client";
import { testDbKinds, type TestDb } from "@/lib/test/db";
import { closeKeysDb, expectCode, keysApi, openKeysDb } from "@/lib/test/keys";
import { signedInAccount } from "@/lib/test/session";
import { invalidateKey, KeyResolver, resolveApiKey } from "@/lib/keys/resolve";

// The key cache across server instances (LISTEN/NOTIFY) and across copies of the module
// inside one process (Next evaluates a module once per route bundle).

const { create, revoke, roll, patch } = keysApi;

/** Polls until `fn` stops throwing, or fails after `ms`. */
async function within<T>(ms: number, fn: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

describe.each(testDbKinds())("key cache invalidation (%s)", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openKeysDb(kind);
  });
  afterAll(() => closeKeysDb(db));

  it("a change on one instance drops the cached key on another within a second", async () => {
    // Instance B: its own cache on its own database handle (PostgreSQL: a second pool on the
    // same database, so the NOTIFY crosses connections; PGlite: one in-process database).
    const other: DbHandle = kind === "postgres" ? await openDb({ url: db.url! }) : db;
    const b = new KeyResolver(async () => other);
    try {
      await b.listen();
      const a = await signedInAccount();
      const { json: k1 } = await create(a, { name: "shared 1" });
      const { json: k2 } = await create(a, { name: "shared 2" });
      await b.resolve(k1.secret);
      await b.resolve(k2.secret);

      // Without a notification B keeps serving what it cached: this is what the NOTIFY fixes.
      await db.query("UPDATE api_keys SET revoked_at = now() WHERE id = $1", [k1.key.id]);
      await expect(b.resolve(k1.secret)).resolves.toMatchObject({ keyId: k1.key.id, revokedAt: null });
      await invalidateKey(k1.key.id);
      await within(1000, () => expectCode(b.resolve(k1.secret), "revoked_api_key"));

      // The same through the dashboard route on instance A.
      expect((await revoke(a, k2.key.id)).status).toBe(200);
      await within(1000, () => expectCode(b.resolve(k2.secret), "revoked_api_key"));
    } finally {
      await b.reset();
      if (other !== db) await other.close();
    }
  });

  // PostgreSQL restarts or the LISTEN connection drops: revocations sent meanwhile are lost, so
  // the instance listens again and forgets what it cached instead of serving a revoked key forever.
  it.runIf(kind === "postgres")(
    "a dropped LISTEN connection comes back, and the cache does not outlive it",
    async () => {
      const other = await openDb({ url: db.url! });
      const b = new KeyResolver(async () => other);
      const listeners = () =>
        db.query<{ pid: number }>(
          "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()",
        );
      try {
        await b.listen();
        const a = await signedInAccount();
        const { json: k } = await create(a, { name: "gap" });
        await b.resolve(k.secret);
        const before = await listeners();
        expect(before.length).toBeGreaterThan(0);
        // The key is revoked while nobody listens: the notification cannot reach B.
        for (const { pid } of before) await db.query("SELECT pg_terminate_backend($1)", [pid]);
        await db.query("UPDATE api_keys SET revoked_at = now() WHERE id = $1", [k.key.id]);
        await within(3000, () => expectCode(b.resolve(k.secret), "revoked_api_key"));
        // Listening again: a later revocation reaches B through NOTIFY as before.
        await within(3000, async () => expect((await listeners()).length).toBeGreaterThan(0));
        const { json: k2 } = await create(a, { name: "after the gap" });
        await b.resolve(k2.secret);
        expect((await revoke(a, k2.key.id)).status).toBe(200);
        await within(1000, () => expectCode(b.resolve(k2.secret), "revoked_api_key"));
      } finally {
        await b.reset();
        await other.close();
      }
    },
  );

  it("a roll, and a cap change on the new key, reach another instance's cached old key", async () => {
    const other: DbHandle = kind === "postgres" ? await openDb({ url: db.url! }) : db;
    const b = new KeyResolver(async () => other);
    try {
      await b.listen();
      const a = await signedInAccount();
      const { json: old } = await create(a, { name: "rolled", spendCapMicro: 1_000 });
      await expect(b.resolve(old.secret)).resolves.toMatchObject({ capKeyId: old.key.id, spendCapMicro: 1_000n });
      const { json: rolled } = await roll(a, old.key.id, { graceSeconds: 3600 });
      await within(1000, () => expect(b.resolve(old.secret)).resolves.toMatchObject({ capKeyId: rolled.key.id }));
      const id = rolled.key.id as string;
      expect((await patch(a, id, { spendCapMicro: 2_000 })).status).toBe(200);
      await within(1000, () =>
        expect(b.resolve(old.secret)).resolves.toMatchObject({ capKeyId: id, spendCapMicro: 2_000n }),
      );
    } finally {
      await b.reset();
      if (other !== db) await other.close();
    }
  });

  it("module copies share one cache but throw their own AppError (Next loads a module once per route bundle)", async () => {
    const a = await signedInAccount();
    const { json } = await create(a, { name: "two bundles" });
    await resolveApiKey(json.secret);
    vi.resetModules();
    const copy = await import("@/lib/keys/resolve");
    const errors = await import("@/lib/errors");
    expect(errors.AppError).not.toBe(AppError);
    // Shared: the copy serves what this copy cached, even after a change it was not told about.
    await db.query("UPDATE api_keys SET revoked_at = now() WHERE id = $1", [json.key.id]);
    await expect(copy.resolveApiKey(json.secret)).resolves.toMatchObject({ keyId: json.key.id });
    await invalidateKey(json.key.id);
    const err = await copy.resolveApiKey(json.secret).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errors.AppError);
    expect(err).toMatchObject({ code: "revoked_api_key" });
  });
});
