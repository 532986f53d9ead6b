import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { postLedgerEntry } from "@/lib/billing/ledger";
import { checkLedger } from "@/lib/billing/ledger-check";
import { generateApiKey } from "@/lib/keys/format";
import { resetKeyCache } from "@/lib/keys/resolve";
import { createGateway, installGateway, type GatewayRuntime } from "@/lib/gateway/runtime";
import { POST as agent } from "@/app/agent/route";

// A graceful stop (SIGTERM) must leave no hold row behind: the chaos run checks that after every
// instance stopped, nothing of anyone's balance is still held. Calls running at the stop, and
// reservations still waiting on the database, used to keep their hold until a sweeper came.

const ENV = { APP_URL: "http://localhost:3000", KEY_RATE_LIMIT_PER_MINUTE: "1000000", KEY_RATE_LIMIT_BURST: "100000" };
const FUNDS = 2_000_000n;

const ask = (secret: string, prompt: string) =>
  call(agent, {
    method: "POST",
    path: "/agent",
    body: { prompt, model: "gpt-oss:20b", maxTokens: 64 },
    origin: null,
    headers: { authorization: `Bearer ${secret}` },
  });

async function until(cond: () => boolean | Promise<boolean>, what: string) {
  for (let i = 0; i < 500; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.each(testDbKinds())("gateway shutdown gives every hold back (%s)", (kind) => {
  const { db } = testRuntime(kind, { model: true, env: ENV });
  let clock = 0;
  let rt: GatewayRuntime;

  async function fundedKey() {
    const { accountId } = await signedInAccount();
    await postLedgerEntry({
      accountId,
      amountMicro: FUNDS,
      kind: "adjustment",
      reference: `test:${crypto.randomUUID()}`,
    });
    const k = generateApiKey();
    await db.query("INSERT INTO api_keys (account_id, name, key_hash, start) VALUES ($1, 'test', $2, $3)", [
      accountId,
      k.hash,
      k.start,
    ]);
    return { accountId, secret: k.secret };
  }
  async function holdRows(accountId: string) {
    const [r] = await db.query<{ n: number; held: string }>(
      `SELECT (SELECT count(*)::int FROM balance_holds WHERE account_id = a.id) AS n, held_micro AS held FROM accounts a WHERE id = $1`,
      [accountId],
    );
    return { rows: r!.n, held: BigInt(r!.held) };
  }

  beforeEach(async () => {
    await resetKeyCache();
    clock = 0;
    rt = createGateway({
      instanceId: `s-${crypto.randomUUID()}`,
      clock: () => clock,
      timers: false,
      stopGraceMs: 2_000,
    });
    installGateway(rt);
  });
  afterEach(async () => {
    installGateway(undefined);
    await rt.stop();
    expect(await checkLedger(db)).toEqual([]);
  });

  it("a call running at the stop finishes, is charged once, and then its hold goes back too", async () => {
    const x = await fundedKey();
    const res = ask(x.secret, "[[delay:300]] hello there");
    await until(async () => rt.calls.running === 1 && (await holdRows(x.accountId)).rows === 1, "the call to hold");
    await rt.stop();
    const r = await res;
    expect(r.status).toBe(200);
    const body = r.json as { costMicro: number };
    expect(body.costMicro).toBeGreaterThan(0);
    expect(await holdRows(x.accountId)).toEqual({ rows: 0, held: 0n });
    const [acc] = await db.query<{ balance_micro: string }>("SELECT balance_micro FROM accounts WHERE id = $1", [
      x.accountId,
    ]);
    expect(BigInt(acc!.balance_micro)).toBe(FUNDS - BigInt(body.costMicro));
  });

  it("a reservation waiting on the database at the stop does not keep the hold", async () => {
    const x = await fundedKey();
    expect((await ask(x.secret, "hello")).status).toBe(200);
    expect((await holdRows(x.accountId)).rows).toBe(1);
    // Another transaction holds the account and its hold rows; the instance's lease has aged, so
    // its next reservation must re-validate, and waits.
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    let locked!: () => void;
    const isLocked = new Promise<void>((r) => (locked = r));
    const tx = db.transaction(async (q) => {
      await q.query("SELECT id FROM accounts WHERE id = $1 FOR UPDATE", [x.accountId]);
      await q.query("SELECT 1 FROM balance_holds WHERE account_id = $1 FOR UPDATE", [x.accountId]);
      locked();
      await gate;
    });
    await isLocked;
    clock += 10 * 60_000;
    const waiting = rt.balances.reserve(x.accountId, 1_000n).then(
      (lease) => ({ lease }),
      (err: Error) => ({ err: err.message }),
    );
    await until(() => rt.balances.busy(), "the reservation to wait");
    const stopped = rt.stop();
    setTimeout(open, 2_500);
    await stopped;
    await tx;
    // The reservation fails (503, nothing served from a hold being given back) and nothing stays held.
    expect(await waiting).toEqual({ err: expect.stringMatching(/shutting down/) });
    expect(await holdRows(x.accountId)).toEqual({ rows: 0, held: 0n });
  });
});
