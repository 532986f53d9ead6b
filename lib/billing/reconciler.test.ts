import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TOKEN_PROGRAM_ID } from "@solana/spl-token";
import type { Keypair } from "@solana/web3.js";
import { testDbKinds, type TestDb } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { testLocalnet } from "@/lib/test/runtime";
import { closeTopupDb, openTopupDb } from "@/lib/test/topups";
import { buildTopupTransaction } from "@solrouter/sdk/topup";
import { reconcileOnce, startReconciler } from "./reconciler";
import { createTopup, TOPUP_TTL_MS, type TopupView } from "./topups";
import { GET as list } from "@/app/api/topups/route";
import { POST as create } from "@/app/api/topups/route";
import { POST as confirm } from "@/app/api/topups/[id]/confirm/route";
import { GET as me } from "@/app/api/me/route";

const net = testLocalnet();

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(testDbKinds())("deposit reconciler (%s)", (kind) => {
  let db: TestDb;
  let payer: Keypair;
  beforeAll(async () => {
    ({ db, payer } = await openTopupDb(kind, net));
  });
  afterAll(() => closeTopupDb(db));

  async function pay(t: TopupView): Promise<string> {
    const tx = buildTopupTransaction(
      payer.publicKey,
      { ...t, payToTokenAccount: t.payToTokenAccount! },
      TOKEN_PROGRAM_ID,
      await net.conn.getLatestBlockhash(),
    );
    return net.send(payer, tx.instructions);
  }
  const status = async (id: string) =>
    (
      await db.query<{ status: string; signature: string | null; failure_reason: string | null }>(
        "SELECT status, signature, failure_reason FROM topups WHERE id = $1",
        [id],
      )
    )[0]!;
  const balance = async (cookie: string) => (await call(me, { cookie })).json.balanceMicro as number;

  async function until<T>(what: () => Promise<T>, ok: (v: T) => boolean, ms = 8000): Promise<T> {
    const end = Date.now() + ms;
    for (;;) {
      const v = await what();
      if (ok(v) || Date.now() > end) return v;
      await sleep(50);
    }
  }

  it("credits a paid intent nobody confirmed, within seconds", async () => {
    const a = await signedInAccount();
    const usdc = (await call(create, { body: { token: "USDC", creditMicro: 4_000_000 }, cookie: a.cookie })).json
      .topup as TopupView;
    const router = (await call(create, { body: { token: "ROUTER", creditMicro: 2_000_000 }, cookie: a.cookie })).json
      .topup as TopupView;
    const unpaid = (await call(create, { body: { token: "USDC", creditMicro: 9_000_000 }, cookie: a.cookie })).json
      .topup as TopupView;
    const rec = startReconciler({ intervalMs: 200 });
    try {
      const sig = await pay(usdc);
      const paidAt = Date.now();
      const row = await until(
        () => status(usdc.id),
        (r) => r.status === "credited",
      );
      const lag = Date.now() - paidAt;
      expect(row).toMatchObject({ status: "credited", signature: sig });
      expect(lag).toBeLessThan(3000);
      await pay(router);
      expect(
        (
          await until(
            () => status(router.id),
            (r) => r.status === "credited",
          )
        ).status,
      ).toBe("credited");
      expect(await balance(a.cookie)).toBe(6_000_000);
      expect((await status(unpaid.id)).status).toBe("pending");
      // The browser confirming afterwards gets the same answer, with nothing credited twice.
      const late = await call(confirm, { body: { signature: sig }, cookie: a.cookie, params: { id: usdc.id } });
      expect(late.status).toBe(200);
      expect(late.json.balanceMicro).toBe(6_000_000);
    } finally {
      await rec.stop();
    }
    const listed = await call(list, { cookie: a.cookie });
    expect(listed.json.topups.map((t: TopupView) => t.status)).toEqual(["pending", "credited", "credited"]);
    // One activity event per credit, with no address: the reconciler has no request.
    const events = await db.query<{
      kind: string;
      ip: string | null;
      user_agent: string | null;
      details: { topupId: string };
    }>("SELECT kind, ip, user_agent, details FROM activity_events WHERE account_id = $1 ORDER BY id", [a.accountId]);
    expect(events.map((e) => [e.kind, e.ip, e.user_agent, e.details.topupId])).toEqual([
      ["topup_credited", null, null, usdc.id],
      ["topup_credited", null, null, router.id],
    ]);
  });

  it("credits each deposit once when several reconcilers (instances) run at once", async () => {
    const a = await signedInAccount();
    const intents = await Promise.all(
      [1, 2, 3, 4].map((d) => createTopup(a.accountId, { token: "USDC", creditMicro: BigInt(d) * 1_000_000n })),
    );
    for (const t of intents) await pay(t);
    const reports = await Promise.all(Array.from({ length: 4 }, () => reconcileOnce({ intervalMs: 0 })));
    expect(reports.reduce((n, r) => n + r.credited, 0)).toBe(4);
    for (const t of intents) expect((await status(t.id)).status).toBe("credited");
    expect(await balance(a.cookie)).toBe(10_000_000);
    const [{ n } = { n: -1 }] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM ledger_entries WHERE account_id = $1",
      [a.accountId],
    );
    expect(n).toBe(4);
  });

  it("closes expired intents, but credits a payment sent before expiry even when found later", async () => {
    const a = await signedInAccount();
    // Expired long ago with no payment: closed on the next look.
    const stale = await createTopup(
      a.accountId,
      { token: "USDC", creditMicro: 1_000_000n },
      new Date(Date.now() - TOPUP_TTL_MS - 5 * 60_000),
    );
    // About to expire: paid now, found only after the expiry.
    const lastMinute = await createTopup(
      a.accountId,
      { token: "USDC", creditMicro: 2_000_000n },
      new Date(Date.now() - TOPUP_TTL_MS + 3000),
    );
    const sig = await pay(lastMinute);
    await until(
      async () => Date.now(),
      (now) => now > Date.parse(lastMinute.expiresAt) + 500,
      10_000,
    );
    const report = await reconcileOnce({ intervalMs: 0 });
    expect(report).toMatchObject({ credited: 1, expired: 1 });
    expect(await status(stale.id)).toMatchObject({
      status: "expired",
      failure_reason: "No payment arrived before this top-up expired.",
    });
    expect(await status(lastMinute.id)).toMatchObject({ status: "credited", signature: sig });
    expect(await balance(a.cookie)).toBe(2_000_000);

    // Paying an expired intent is refused (its quote no longer holds), and nothing is credited.
    const late = await pay(stale);
    const res = await call(confirm, { body: { signature: late }, cookie: a.cookie, params: { id: stale.id } });
    expect(res.status).toBe(422);
    expect(res.json.error).toMatchObject({
      code: "deposit_invalid",
      message: "This payment arrived after the top-up had expired.",
    });
    expect(await balance(a.cookie)).toBe(2_000_000);
  });

  it("answers 503 while the RPC is down, keeps the intent pending, and credits once it is back", async () => {
    const a = await signedInAccount();
    const t = (await call(create, { body: { token: "USDC", creditMicro: 5_000_000 }, cookie: a.cookie })).json
      .topup as TopupView;
    const sig = await pay(t);
    await net.stop();
    try {
      const res = await call(confirm, { body: { signature: sig }, cookie: a.cookie, params: { id: t.id } });
      expect(res.status).toBe(503);
      expect(res.json.error.code).toBe("unavailable");
      expect(res.headers.get("retry-after")).toBe("2");
      expect((await status(t.id)).status).toBe("pending");
      // The reconciler shrugs and looks again later.
      expect(await reconcileOnce({ intervalMs: 0 })).toMatchObject({ checked: 0, credited: 0, expired: 0 });
      expect(await balance(a.cookie)).toBe(0);
    } finally {
      await net.restart();
    }
    const res = await call(confirm, { body: { signature: sig }, cookie: a.cookie, params: { id: t.id } });
    expect(res.status).toBe(200);
    expect(res.json.balanceMicro).toBe(5_000_000);
  });
});
