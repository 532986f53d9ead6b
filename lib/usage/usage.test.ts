import { describe, expect, it } from "vitest";
import { testDbKinds } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { parseCsv } from "@/lib/test/csv";
import { DAY, KEY_NAMES, matches, sums, usageSuite, type Ev } from "@/lib/test/usage-history";
import type { UsageFilterInput } from "./filters";
import { listUsage } from "./queries";
import { dailyUsage, summaryCards } from "./aggregates";
import { CSV_HEADER } from "./csv";
import { GET as usageRoute } from "@/app/api/usage/route";
import { GET as dailyRoute } from "@/app/api/usage/daily/route";
import { GET as summaryRoute } from "@/app/api/usage/summary/route";
import { GET as exportRoute } from "@/app/api/usage/export.csv/route";

// The usage queries against a seeded history: totals, per-day aggregates, paging, isolation
// between accounts, summary cards. The routes and the CSV export: usage-routes.test.ts.

describe.each(testDbKinds())("usage (%s)", (kind) => {
  const u = usageSuite(kind);

  const FILTERS: UsageFilterInput[] = [
    {},
    { from: new Date(u.now.getTime() - 100 * DAY) },
    { from: new Date(u.now.getTime() - 10 * DAY), to: new Date(u.now.getTime() - 3 * DAY) },
    { keyId: "KEY0" },
    { keyId: "KEY2", model: "gpt-oss:120b" },
    { model: "gpt-oss:20b" },
    { status: 200 },
    { status: 429 },
    { status: "success" },
    { status: "error", model: "gpt-oss:120b" },
    { status: 418 },
  ];
  const resolve = (f: UsageFilterInput): UsageFilterInput => ({
    ...f,
    keyId: f.keyId?.startsWith("KEY") ? u.keys[Number(f.keyId.slice(3))] : f.keyId,
  });

  it("totals equal the sum of the events for every filter", async () => {
    for (const raw of FILTERS) {
      const f = resolve(raw);
      const page = await listUsage(u.a.accountId, { ...f, limit: 5 }, u.now);
      const expected = u.evs.filter((e) => matches(e, f, u.now));
      expect(page.totals, JSON.stringify(raw)).toEqual(sums(expected));
      expect(page.items.length).toBe(Math.min(5, expected.length));
      for (const item of page.items)
        expect(matches({ ...item, at: item.at, costMicro: item.costMicro }, f, u.now)).toBe(true);
    }
  });

  it("per-day aggregates equal the events of that UTC day and model", async () => {
    for (const raw of FILTERS) {
      const f = resolve(raw);
      const { days } = await dailyUsage(u.a.accountId, f, u.now);
      const expected = new Map<string, Ev[]>();
      for (const e of u.evs.filter((e) => matches(e, f, u.now))) {
        const k = `${e.at.slice(0, 10)} ${e.model}`;
        expected.set(k, [...(expected.get(k) ?? []), e]);
      }
      expect(days.map((d) => `${d.day} ${d.model}`)).toEqual([...expected.keys()].sort());
      for (const d of days) {
        const s = sums(expected.get(`${d.day} ${d.model}`)!);
        expect({
          requests: d.requests,
          costMicro: d.costMicro,
          inputTokens: d.inputTokens,
          outputTokens: d.outputTokens,
        }).toEqual(s);
      }
    }
  });

  it("walks every page by cursor: disjoint, complete, newest first", async () => {
    for (const raw of [
      {},
      { keyId: "KEY0" },
      { status: "error" as const },
      { from: new Date(u.now.getTime() - 100 * DAY) },
    ]) {
      const f = resolve(raw);
      const seen: string[] = [];
      const times: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listUsage(u.a.accountId, { ...f, limit: 7, cursor }, u.now);
        seen.push(...page.items.map((i) => i.id));
        times.push(...page.items.map((i) => i.at));
        cursor = page.nextCursor ?? undefined;
        if (++pages > 100) throw new Error("cursor loop");
      } while (cursor);
      const expected = u.evs.filter((e) => matches(e, f, u.now));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(expected.length);
      expect([...times].sort().reverse()).toEqual(times);
    }
  });

  it("returns key names and starts, and nothing from another account", async () => {
    const page = await listUsage(u.a.accountId, { keyId: u.keys[0], limit: 200 }, u.now);
    expect(page.items.every((i) => i.keyName === KEY_NAMES[0] && i.keyStart === "sk_solrouter_K0x")).toBe(true);
    // B's rows carry A's key id; B's own view must not show A's key name, nor A's rows.
    const other = await listUsage(u.b.accountId, { keyId: u.keys[0], limit: 200 }, u.now);
    expect(other.items.length).toBeGreaterThan(0);
    expect(other.items.every((i) => i.keyName === null)).toBe(true);
    const fresh = await signedInAccount();
    expect(await listUsage(fresh.accountId, { from: new Date(0) }, u.now)).toEqual({
      items: [],
      nextCursor: null,
      totals: sums([]),
    });
    expect((await dailyUsage(fresh.accountId, {}, u.now)).days).toEqual([]);
    expect(await summaryCards(fresh.accountId, u.now)).toMatchObject({
      today: { requests: 0, costMicro: 0n },
      last30Days: { requests: 0, costMicro: 0n },
    });
    for (const route of [usageRoute, dailyRoute, summaryRoute]) {
      const res = await call(route, {
        path: `/api/usage?from=${new Date(u.now.getTime() - 100 * DAY).toISOString()}`,
        cookie: fresh.cookie,
      });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.json)).not.toMatch(/"requests":[1-9]/);
    }
    const csv = await call(exportRoute, { path: "/api/usage/export.csv?from=2000-01-01", cookie: fresh.cookie });
    expect(parseCsv(csv.text)).toEqual([[...CSV_HEADER]]);
  });

  it("summary cards: today, 7 and 30 UTC days in one go", async () => {
    const cards = await summaryCards(u.a.accountId, u.now);
    const dayStart = Date.UTC(u.now.getUTCFullYear(), u.now.getUTCMonth(), u.now.getUTCDate());
    const since = (d: number) => sums(u.evs.filter((e) => Date.parse(e.at) >= dayStart - d * DAY));
    const pick = (s: ReturnType<typeof sums>) => ({ requests: s.requests, costMicro: s.costMicro });
    expect(cards.today).toEqual(pick(since(0)));
    expect(cards.last7Days).toEqual(pick(since(6)));
    expect(cards.last30Days).toEqual(pick(since(29)));
    // The 30-day card is the default window of the log.
    expect(cards.last30Days).toEqual(pick((await listUsage(u.a.accountId, {}, u.now)).totals));
  });
});
