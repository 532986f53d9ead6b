import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { setDb, type DbHandle } from "@/lib/db";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { postLedgerEntry } from "@/lib/billing/ledger";
import { checkLedger } from "@/lib/billing/ledger-check";
import { generateApiKey } from "@/lib/keys/format";
import { resetKeyCache } from "@/lib/keys/resolve";
import { updateKey } from "@/lib/keys/store";
import { createGateway, installGateway, type GatewayRuntime } from "@/lib/gateway/runtime";

// The default stale window (HOLD_STALE_MS); the suite runs with the default configuration.
const STALE_MS = 60_000;
import { sweepStaleHolds } from "@/lib/gateway/hold-stores";
import { POST as agent } from "@/app/agent/route";

// Two gateway instances on one database, without timers and with their own clocks: a "paused"
// instance is one whose clock jumps and whose rows the database saw no heartbeat for.

const ENV = { APP_URL: "http://localhost:3000", KEY_RATE_LIMIT_PER_MINUTE: "1000000", KEY_RATE_LIMIT_BURST: "100000" };

const ask = (secret: string, prompt = "hello there", maxTokens = 64) =>
  call(agent, {
    method: "POST",
    path: "/agent",
    body: { prompt, model: "gpt-oss:20b", maxTokens },
    origin: null,
    headers: { authorization: `Bearer ${secret}` },
  });

describe.each(testDbKinds())("hold leases across instances (%s)", (kind) => {
  const { db } = testRuntime(kind, { model: true, env: ENV });
  const clocks = { a: 0, b: 0 };
  let a: GatewayRuntime;
  let b: GatewayRuntime;

  async function makeKey(accountId: string, spendCapMicro?: bigint) {
    const k = generateApiKey();
    const [row] = await db.query<{ id: string }>(
      "INSERT INTO api_keys (account_id, name, key_hash, start, spend_cap_micro) VALUES ($1, 'test', $2, $3, $4) RETURNING id",
      [accountId, k.hash, k.start, spendCapMicro?.toString() ?? null],
    );
    return { id: row!.id, secret: k.secret };
  }
  async function fundedKey(micro: bigint, spendCapMicro?: bigint) {
    const { accountId } = await signedInAccount();
    await postLedgerEntry({
      accountId,
      amountMicro: micro,
      kind: "adjustment",
      reference: `test:${crypto.randomUUID()}`,
    });
    return { accountId, ...(await makeKey(accountId, spendCapMicro)) };
  }
  /** held_micro, Σ hold rows and the balance of an account. */
  async function books(accountId: string) {
    const [r] = await db.query<{ held: string; rows: string; balance: string }>(
      `SELECT held_micro AS held, balance_micro AS balance, (SELECT COALESCE(sum(amount_micro), 0) FROM balance_holds WHERE account_id = a.id) AS rows
       FROM accounts a WHERE id = $1`,
      [accountId],
    );
    return { held: BigInt(r!.held), rows: BigInt(r!.rows), balance: BigInt(r!.balance) };
  }
  /** The instance stops for longer than the stale window: its clock jumps, the database saw no heartbeat. */
  async function pause(rt: GatewayRuntime, which: "a" | "b") {
    clocks[which] += STALE_MS + 10_000;
    for (const t of ["balance_holds", "key_cap_holds"])
      await db.query(`UPDATE ${t} SET heartbeat_at = now() - interval '70 seconds' WHERE instance_id = $1`, [
        rt.instanceId,
      ]);
  }

  beforeEach(async () => {
    await resetKeyCache();
    a = createGateway({ instanceId: `a-${crypto.randomUUID()}`, clock: () => clocks.a, timers: false });
    b = createGateway({ instanceId: `b-${crypto.randomUUID()}`, clock: () => clocks.b, timers: false });
    installGateway(a);
  });
  afterEach(async () => {
    installGateway(undefined);
    await a.stop();
    await b.stop();
    expect(await checkLedger(db)).toEqual([]);
  });

  it("a paused instance whose hold was swept serves nothing from it and never releases it twice", async () => {
    const x = await fundedKey(2_000_000n);
    expect((await ask(x.secret)).status).toBe(200);
    installGateway(b);
    expect((await ask(x.secret)).status).toBe(200);
    const old = a.balances.snapshot(x.accountId);
    expect(old.held).toBeGreaterThan(0n);

    await pause(a, "a");
    expect(await b.sweep()).toBe(1);
    const afterSweep = await books(x.accountId);
    expect(afterSweep.held).toBe(afterSweep.rows);

    // A resumes: its in-memory hold is past its lease, so it re-validates, learns it lost it,
    // and takes a new one — the call is charged once, from a hold the database knows.
    installGateway(a);
    const res = await ask(x.secret);
    expect(res.status).toBe(200);
    expect(a.counters.leasesLost).toBe(1);
    // Served from a new lease that the database has (not from the old one, which is gone).
    const fresh = a.balances.snapshot(x.accountId);
    expect(fresh.lease).not.toBeNull();
    expect(fresh.lease).not.toBe(old.lease);
    const [row] = await db.query<{ amount_micro: string }>(
      "SELECT amount_micro FROM balance_holds WHERE instance_id = $1 AND lease = $2",
      [a.instanceId, fresh.lease],
    );
    expect(BigInt(row!.amount_micro)).toBe(fresh.held);
    let now = await books(x.accountId);
    expect(now.held).toBe(now.rows);
    expect(now.balance).toBeLessThan(2_000_000n);

    // Releasing everything (A's new hold and B's) leaves nothing held and the books whole.
    await a.releaseIdle(0);
    await b.releaseIdle(0);
    now = await books(x.accountId);
    expect(now).toMatchObject({ held: 0n, rows: 0n });
  });

  it("a release after the sweep took the hold subtracts nothing (the lease is gone)", async () => {
    const x = await fundedKey(2_000_000n);
    expect((await ask(x.secret)).status).toBe(200);
    installGateway(b);
    expect((await ask(x.secret)).status).toBe(200);
    await pause(a, "a");
    await b.sweep();
    const before = await books(x.accountId);
    await a.releaseIdle(0);
    const after = await books(x.accountId);
    expect(after).toEqual(before);
    expect(after.held).toBe(after.rows);
    expect(a.counters.leasesLost).toBe(1);
    expect(a.balances.snapshot(x.accountId).lease).toBeNull();
  });

  it("a heartbeat learns the lease is lost; a failed heartbeat is counted", async () => {
    const x = await fundedKey(1_000_000n);
    expect((await ask(x.secret)).status).toBe(200);
    await a.heartbeat();
    expect(a.counters).toMatchObject({ heartbeatFailures: 0, leasesLost: 0 });

    const unreachable = async () => Promise.reject(new Error("database unreachable"));
    const failing: DbHandle = { ...db, query: unreachable, rows: unreachable };
    setDb(failing);
    try {
      await a.heartbeat();
    } finally {
      setDb(db);
    }
    expect(a.counters.heartbeatFailures).toBe(1);
    // Still within its lease: the failure alone takes nothing away.
    expect(a.balances.snapshot(x.accountId).lease).not.toBeNull();

    await pause(a, "a");
    await b.sweep();
    await a.heartbeat();
    expect(a.counters.leasesLost).toBe(1);
    expect(a.balances.snapshot(x.accountId)).toMatchObject({ held: 0n, lease: null });
  });

  it("a call in flight when its hold is swept is charged from the free balance, not from the lost hold", async () => {
    const x = await fundedKey(2_000_000n);
    const slow = ask(x.secret, "slow [[delay:1500]]");
    await new Promise((r) => setTimeout(r, 400));
    await pause(a, "a");
    expect(await b.sweep()).toBe(1);
    const res = await slow;
    expect(res.status).toBe(200);
    const now = await books(x.accountId);
    expect(now.held).toBe(now.rows);
    expect(now.balance).toBe(2_000_000n - BigInt(res.json.costMicro));
    expect(a.counters.leasesLost).toBe(1);
  });

  it("when the free balance cannot cover such a call it is refused 503 and not charged; another account is served", async () => {
    const x = await fundedKey(100_000n);
    const y = await fundedKey(1_000_000n);
    const slowX = ask(x.secret, "slow [[delay:1500]]");
    const slowY = ask(y.secret, "slow too [[delay:1500]]");
    await new Promise((r) => setTimeout(r, 400));
    await pause(a, "a");
    expect(await b.sweep()).toBe(2);
    // B now holds all of X's balance: nothing is free for A's call on X.
    installGateway(b);
    expect((await ask(x.secret)).status).toBe(200);
    expect(b.balances.snapshot(x.accountId).available + b.balances.snapshot(x.accountId).held).toBeGreaterThan(0n);
    const [rx, ry] = await Promise.all([slowX, slowY]);
    expect(rx.status).toBe(503);
    expect(rx.json.error.code).toBe("unavailable");
    expect(ry.status).toBe(200);
    const [ev] = await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM usage_events WHERE account_id = $1 AND status = 200",
      [x.accountId],
    );
    expect(Number(ev!.n)).toBe(1);
    for (const id of [x.accountId, y.accountId]) {
      const now = await books(id);
      expect(now.held).toBe(now.rows);
    }
  });

  it("a broken hold row of one account does not stop the sweep of another's", async () => {
    const p = await fundedKey(1_000_000n);
    const q = await fundedKey(1_000_000n);
    // P's row says 100 while P's held says 0: releasing it would break the held ≥ 0 CHECK.
    await db.query(
      "INSERT INTO balance_holds (instance_id, account_id, amount_micro, heartbeat_at) VALUES ('ghost', $1, 100, now() - interval '5 minutes')",
      [p.accountId],
    );
    await db.query("UPDATE accounts SET held_micro = 200000 WHERE id = $1", [q.accountId]);
    await db.query(
      "INSERT INTO balance_holds (instance_id, account_id, amount_micro, heartbeat_at) VALUES ('dead', $1, 200000, now() - interval '5 minutes')",
      [q.accountId],
    );
    const failures: string[] = [];
    await sweepStaleHolds(STALE_MS, (_err, row) => failures.push(row)).catch(() => 0);
    expect(await books(q.accountId)).toMatchObject({ held: 0n, rows: 0n });
    expect(failures).toHaveLength(1);
    expect(await b.sweep()).toBe(0);
    expect(b.counters.sweepFailures).toBe(1);
    // Repair the planted row so the books check after the test passes.
    await db.query("DELETE FROM balance_holds WHERE instance_id = 'ghost'");
  });

  it("lowering a key's cap takes effect at once, though an instance holds a larger chunk of the old cap", async () => {
    const x = await fundedKey(10_000_000n, 1_000_000n);
    // A large maxTokens reserves much more than a call costs: the cap chunk covers many calls.
    expect((await ask(x.secret, "hello there", 2000)).status).toBe(200);
    expect(a.caps.snapshot(x.id).available).toBeGreaterThan(0n);
    const [before] = await db.query<{ spent: string }>(
      "SELECT period_spend_micro AS spent FROM api_keys WHERE id = $1",
      [x.id],
    );

    await updateKey(x.accountId, x.id, { spendCapMicro: 1n });
    const results = await Promise.all(Array.from({ length: 5 }, () => ask(x.secret, "hello there", 2000)));
    expect(results.map((r) => r.status)).toEqual([402, 402, 402, 402, 402]);
    expect(results.every((r) => r.json.error.code === "key_spend_limit")).toBe(true);
    const [k] = await db.query<{ spent: string; held: string; rows: string }>(
      "SELECT period_spend_micro AS spent, cap_held_micro AS held, (SELECT COALESCE(sum(amount_micro), 0) FROM key_cap_holds WHERE key_id = k.id) AS rows FROM api_keys k WHERE id = $1",
      [x.id],
    );
    expect(k!.spent).toBe(before!.spent);
    expect(BigInt(k!.held)).toBe(BigInt(k!.rows));
  });

  it("a call in flight when its key's cap is lowered below it is refused 503 and charges nothing", async () => {
    const x = await fundedKey(10_000_000n, 1_000_000n);
    const slow = ask(x.secret, "slow [[delay:1000]]");
    await new Promise((r) => setTimeout(r, 300));
    await updateKey(x.accountId, x.id, { spendCapMicro: 1n });
    const res = await slow;
    expect(res.status).toBe(503);
    expect(res.json.error.code).toBe("unavailable");
    expect((await books(x.accountId)).balance).toBe(10_000_000n);
    const [k] = await db.query<{ spent: string; held: string }>(
      "SELECT period_spend_micro AS spent, cap_held_micro AS held FROM api_keys WHERE id = $1",
      [x.id],
    );
    expect([BigInt(k!.spent), BigInt(k!.held)]).toEqual([0n, 0n]);
    expect(a.counters.leasesLost).toBe(1);
  });
});
