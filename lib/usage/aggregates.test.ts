import { beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { signedInAccount } from "@/lib/test/session";
import { checkUsageRollup } from "@/lib/billing/ledger-check";
import { dailyUsage, summaryCards, usageTotals } from "./aggregates";
import type { UsageFilterInput } from "./filters";

// The aggregates read whole hours from the hourly rollup and the partial hours at the window's
// ends from the events; these tests put events on and around hour boundaries and ask for
// windows that start and end on, just before and just after them.

const H = 3_600_000;
// A fixed instant in the past keeps the windows independent of the clock: 2026-03-10 12:00Z.
const T0 = Date.UTC(2026, 2, 10, 12);
const NOW = new Date(T0 + 5 * H + 17 * 60_000);

interface Ev {
  at: string; // microsecond ISO
  keyId: string | null;
  model: string;
  status: number;
  cost: bigint;
  tokens: number;
}

function iso(ms: number, micros = 0) {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(micros).padStart(6, "0")}Z`;
}

describe.each(testDbKinds())("usage aggregates at hour edges (%s)", (kind) => {
  const { db } = testRuntime(kind, { env: { APP_URL: "http://localhost:3000", SOLANA_CLUSTER: "localnet" } });
  let accountId: string;
  let key: string;
  const evs: Ev[] = [];

  const insert = async (rows: Ev[], account = accountId) => {
    await db.query(
      `INSERT INTO usage_events (account_id, key_id, auth_kind, model, input_tokens, output_tokens, cost_micro, latency_ms, status, created_at)
       SELECT $1, k, 'key', m, t, t * 2, c, 5, s, a
       FROM unnest($2::uuid[], $3::text[], $4::int[], $5::bigint[], $6::int[], $7::timestamptz[]) AS x(k, m, t, c, s, a)`,
      [
        account,
        rows.map((r) => r.keyId),
        rows.map((r) => r.model),
        rows.map((r) => r.tokens),
        rows.map((r) => r.cost.toString()),
        rows.map((r) => r.status),
        rows.map((r) => r.at),
      ],
    );
  };

  beforeAll(async () => {
    accountId = (await signedInAccount()).accountId;
    key = randomUUID();
    // Around every hour from T0-26h to T0+5h: the last microsecond before it, the hour itself,
    // one microsecond after, and half past; keys, key-less calls, two models, two statuses.
    let n = 0;
    for (let h = -26; h <= 5; h++) {
      const at = T0 + h * H;
      for (const [ms, us] of [
        [at - 1000, 999_999],
        [at, 0],
        [at, 1],
        [at + H / 2, 123_456],
      ] as const) {
        n++;
        evs.push({
          at: iso(ms, us),
          keyId: n % 3 === 0 ? null : key,
          model: n % 2 ? "m-a" : "m-b",
          status: n % 5 === 0 ? 500 : 200,
          cost: BigInt(1000 + n * 7),
          tokens: n,
        });
      }
    }
    // Two statements, so that groups are created by one and added to by the other.
    await insert(evs.slice(0, 50));
    await insert(evs.slice(50));
    // Another account's events in the same hours must not leak in.
    await insert(evs.slice(0, 20), (await signedInAccount()).accountId);
  });

  const expected = (f: UsageFilterInput) =>
    evs.filter((e) => {
      const t = Date.parse(e.at) + Number(e.at.slice(23, 26)) / 1000;
      if (f.from && t < f.from.getTime()) return false;
      if (f.to && t >= f.to.getTime()) return false;
      if (f.keyId && e.keyId !== f.keyId) return false;
      if (f.model && e.model !== f.model) return false;
      if (f.status === "error" && e.status < 300) return false;
      return true;
    });
  const sums = (list: Ev[]) => ({
    requests: list.length,
    inputTokens: list.reduce((s, e) => s + BigInt(e.tokens), 0n),
    outputTokens: list.reduce((s, e) => s + BigInt(e.tokens * 2), 0n),
    costMicro: list.reduce((s, e) => s + e.cost, 0n),
  });

  it("totals are exact for windows on, before and after hour boundaries", async () => {
    const edges = [-1, 0, 1, 1000, H / 2, H - 1];
    let checked = 0;
    for (const lo of [-25, -3, 0, 2]) {
      for (const dLo of edges) {
        for (const span of [0, 1, 2, 7]) {
          for (const dHi of edges) {
            const from = new Date(T0 + lo * H + dLo);
            const to = new Date(T0 + (lo + span) * H + dHi);
            if (to <= from) continue;
            for (const f of [
              { from, to },
              { from, to, keyId: key, model: "m-a" },
              { from, to, status: "error" as const },
            ]) {
              expect(await usageTotals(db, accountId, f, NOW), JSON.stringify(f)).toEqual(sums(expected(f)));
              checked++;
            }
          }
        }
      }
    }
    // Open-ended windows (up to now) start off the hour too.
    for (const dLo of edges) {
      const f = { from: new Date(T0 - 20 * H + dLo) };
      expect(await usageTotals(db, accountId, f, NOW)).toEqual(sums(expected(f)));
    }
    expect(checked).toBeGreaterThan(300);
  });

  it("daily rows are exact when the window cuts hours on both days", async () => {
    const f = { from: new Date(T0 - 25 * H + 1234), to: new Date(T0 + 3 * H + H / 2) };
    const { days } = await dailyUsage(accountId, f, NOW);
    const byDay = new Map<string, Ev[]>();
    for (const e of expected(f))
      byDay.set(`${e.at.slice(0, 10)} ${e.model}`, [...(byDay.get(`${e.at.slice(0, 10)} ${e.model}`) ?? []), e]);
    expect(days.map((d) => `${d.day} ${d.model}`)).toEqual([...byDay.keys()].sort());
    for (const d of days) {
      expect({
        requests: d.requests,
        costMicro: d.costMicro,
        inputTokens: d.inputTokens,
        outputTokens: d.outputTokens,
      }).toEqual(sums(byDay.get(`${d.day} ${d.model}`)!));
    }
  });

  it("summary cards match the events since each day start", async () => {
    const cards = await summaryCards(accountId, NOW);
    const dayStart = Date.UTC(2026, 2, 10);
    const pick = (list: Ev[]) => ({ requests: list.length, costMicro: sums(list).costMicro });
    expect(cards.today).toEqual(pick(expected({ from: new Date(dayStart) })));
    expect(cards.last7Days).toEqual(pick(expected({ from: new Date(dayStart - 6 * 24 * H) })));
  });

  it("concurrent batches adding to the same groups in different orders neither deadlock nor lose counts", async () => {
    const other = (await signedInAccount()).accountId;
    // 40 groups (hours × statuses), each statement touching all of them in its own order.
    const groups = Array.from({ length: 40 }, (_, g) => ({
      at: iso(T0 - 100 * H + (g % 20) * H, 5),
      status: g < 20 ? 200 : 500,
    }));
    // Half the statements walk the groups forwards and half backwards, each from its own start:
    // the orders in which two writers would lock each other out if the upsert followed them.
    const statement = (seed: number) => {
      const turned = [...groups.slice(seed % 40), ...groups.slice(0, seed % 40)];
      return (seed % 2 ? turned.reverse() : turned).flatMap((g) =>
        [0, 1, 2].map(() => ({ at: g.at, keyId: key, model: "m-a", status: g.status, cost: 1n, tokens: 1 })),
      );
    };
    for (let round = 0; round < 5; round++) {
      await Promise.all(Array.from({ length: 8 }, (_, i) => insert(statement(round * 8 + i + 1), other)));
    }
    const [row] = await db.query<{ n: string; c: string }>(
      "SELECT sum(requests)::text AS n, sum(cost_micro)::text AS c FROM usage_hourly WHERE account_id = $1",
      [other],
    );
    expect(row).toEqual({ n: String(5 * 8 * 40 * 3), c: String(5 * 8 * 40 * 3) });
    expect(await checkUsageRollup(db)).toEqual([]);
  });

  it("the rollup follows updates and deletes, and the check notices when it does not", async () => {
    expect(await checkUsageRollup(db)).toEqual([]);
    await db.query(
      "UPDATE usage_events SET cost_micro = cost_micro + 1, model = 'm-c' WHERE account_id = $1 AND input_tokens % 4 = 0",
      [accountId],
    );
    await db.query("DELETE FROM usage_events WHERE account_id = $1 AND input_tokens % 7 = 0", [accountId]);
    expect(await checkUsageRollup(db)).toEqual([]);
    await db.query(
      "UPDATE usage_hourly SET cost_micro = cost_micro + 1 WHERE ctid = (SELECT ctid FROM usage_hourly WHERE account_id = $1 LIMIT 1)",
      [accountId],
    );
    const problems = await checkUsageRollup(db);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/hourly usage rollup differs from the events in 1 group/);
  });
});
