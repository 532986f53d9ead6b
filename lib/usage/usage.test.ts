import { beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { testDbKinds, type TestDb } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { parseCsv } from "@/lib/test/csv";
import { resolveRange, type UsageFilterInput } from "./filters";
import { listUsage } from "./queries";
import { dailyUsage, summaryCards } from "./aggregates";
import { CSV_HEADER, microToUsdDecimal, usageCsvStream } from "./csv";
import { GET as usageRoute } from "@/app/api/usage/route";
import { GET as dailyRoute } from "@/app/api/usage/daily/route";
import { GET as summaryRoute } from "@/app/api/usage/summary/route";
import { GET as exportRoute } from "@/app/api/usage/export.csv/route";
import type { CallMeasures } from "./call-measures";

const DAY = 86_400_000;

interface Ev extends CallMeasures {
  keyId: string | null;
  status: number;
  at: string; // microsecond ISO
}

// Deterministic pseudo-random numbers so a failure can be reproduced.
function lcg(seed: number) {
  let s = seed;
  // The low bits of an LCG cycle quickly; take the high ones.
  return (n: number) => ((s = (s * 1103515245 + 12345) % 2 ** 31), Math.floor((s / 2 ** 31) * n));
}

const MODELS = ["gpt-oss:20b", "gpt-oss:120b"];
const STATUSES = [200, 200, 200, 200, 402, 429, 500, 502];
const KEY_NAMES = ['Prod, "main"\nsecond line', '=HYPERLINK("http://x")', "plain"];

function microIso(ms: number, micros: number) {
  return `${new Date(ms).toISOString().slice(0, 19)}.${String(micros).padStart(6, "0")}Z`;
}

async function seed(
  db: TestDb,
  accountId: string,
  keyIds: (string | null)[],
  now: number,
  rnd: (n: number) => number,
): Promise<Ev[]> {
  const evs: Ev[] = [];
  for (let n = 0; n < 150; n++) {
    // Within 25 days, or older than 35: nothing near the default 30-day boundary.
    const ageMs = n % 15 === 0 ? 35 * DAY + rnd(20) * DAY : rnd(25 * DAY);
    const t = Math.floor((now - ageMs) / 1000) * 1000;
    evs.push({
      keyId: keyIds[rnd(keyIds.length)]!,
      model: MODELS[rnd(2)]!,
      inputTokens: rnd(5000),
      outputTokens: rnd(2000),
      costMicro: BigInt(rnd(5_000_000)),
      latencyMs: rnd(3000),
      status: STATUSES[rnd(STATUSES.length)]!,
      at: microIso(t, rnd(1_000_000)),
    });
  }
  // Ties: same instant to the microsecond, which only the id breaks.
  const tie = microIso(Math.floor((now - 2 * DAY) / 1000) * 1000, 123456);
  for (let n = 0; n < 9; n++) evs.push({ ...evs[n]!, keyId: keyIds[0]!, at: tie });
  const cols = 9;
  const values = evs.map(
    (_, r) => `(${Array.from({ length: cols }, (_, c) => `$${r * cols + c + 1}`).join(", ")}, 'key', 'req')`,
  );
  await db.query(
    `INSERT INTO usage_events (account_id, key_id, model, input_tokens, output_tokens, cost_micro, latency_ms, status, created_at, auth_kind, request_id)
     VALUES ${values.join(", ")}`,
    evs.flatMap((e) => [
      accountId,
      e.keyId,
      e.model,
      e.inputTokens,
      e.outputTokens,
      e.costMicro.toString(),
      e.latencyMs,
      e.status,
      e.at,
    ]),
  );
  return evs;
}

function matches(e: Ev, f: UsageFilterInput, now: Date) {
  const { from, to } = resolveRange(f, now);
  const t = Date.parse(e.at);
  if (t < from.getTime() || (to && t >= to.getTime())) return false;
  if (f.keyId && e.keyId !== f.keyId) return false;
  if (f.model && e.model !== f.model) return false;
  const ok = e.status >= 200 && e.status <= 299;
  if (f.status === "success" && !ok) return false;
  if (f.status === "error" && ok) return false;
  if (typeof f.status === "number" && e.status !== f.status) return false;
  return true;
}

function sums(evs: Ev[]) {
  return {
    requests: evs.length,
    inputTokens: evs.reduce((a, e) => a + BigInt(e.inputTokens), 0n),
    outputTokens: evs.reduce((a, e) => a + BigInt(e.outputTokens), 0n),
    costMicro: evs.reduce((a, e) => a + e.costMicro, 0n),
  };
}

describe.each(testDbKinds())("usage (%s)", (kind) => {
  const { db } = testRuntime(kind, { env: { APP_URL: "http://localhost:3000", SOLANA_CLUSTER: "localnet" } });
  let a: Awaited<ReturnType<typeof signedInAccount>>;
  let b: Awaited<ReturnType<typeof signedInAccount>>;
  let keys: string[];
  let evs: Ev[];
  const now = new Date();

  beforeAll(async () => {
    a = await signedInAccount();
    b = await signedInAccount();
    keys = [];
    for (const [n, name] of KEY_NAMES.entries()) {
      const id = randomUUID();
      await db.query("INSERT INTO api_keys (id, account_id, name, key_hash, start) VALUES ($1, $2, $3, $4, $5)", [
        id,
        a.accountId,
        name,
        `h${id}`,
        `sk_solrouter_K${n}x`,
      ]);
      keys.push(id);
    }
    evs = await seed(db, a.accountId, [...keys, null], now.getTime(), lcg(42));
    // Noise in another account, one of whose rows even names A's key.
    await seed(db, b.accountId, [keys[0]!, null], now.getTime(), lcg(7));
  });

  const FILTERS: UsageFilterInput[] = [
    {},
    { from: new Date(now.getTime() - 100 * DAY) },
    { from: new Date(now.getTime() - 10 * DAY), to: new Date(now.getTime() - 3 * DAY) },
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
    keyId: f.keyId?.startsWith("KEY") ? keys[Number(f.keyId.slice(3))] : f.keyId,
  });

  it("totals equal the sum of the events for every filter", async () => {
    for (const raw of FILTERS) {
      const f = resolve(raw);
      const page = await listUsage(a.accountId, { ...f, limit: 5 }, now);
      const expected = evs.filter((e) => matches(e, f, now));
      expect(page.totals, JSON.stringify(raw)).toEqual(sums(expected));
      expect(page.items.length).toBe(Math.min(5, expected.length));
      for (const item of page.items)
        expect(matches({ ...item, at: item.at, costMicro: item.costMicro }, f, now)).toBe(true);
    }
  });

  it("per-day aggregates equal the events of that UTC day and model", async () => {
    for (const raw of FILTERS) {
      const f = resolve(raw);
      const { days } = await dailyUsage(a.accountId, f, now);
      const expected = new Map<string, Ev[]>();
      for (const e of evs.filter((e) => matches(e, f, now))) {
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
      { from: new Date(now.getTime() - 100 * DAY) },
    ]) {
      const f = resolve(raw);
      const seen: string[] = [];
      const times: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await listUsage(a.accountId, { ...f, limit: 7, cursor }, now);
        seen.push(...page.items.map((i) => i.id));
        times.push(...page.items.map((i) => i.at));
        cursor = page.nextCursor ?? undefined;
        if (++pages > 100) throw new Error("cursor loop");
      } while (cursor);
      const expected = evs.filter((e) => matches(e, f, now));
      expect(new Set(seen).size).toBe(seen.length);
      expect(seen.length).toBe(expected.length);
      expect([...times].sort().reverse()).toEqual(times);
    }
  });

  it("returns key names and starts, and nothing from another account", async () => {
    const page = await listUsage(a.accountId, { keyId: keys[0], limit: 200 }, now);
    expect(page.items.every((i) => i.keyName === KEY_NAMES[0] && i.keyStart === "sk_solrouter_K0x")).toBe(true);
    // B's rows carry A's key id; B's own view must not show A's key name, nor A's rows.
    const other = await listUsage(b.accountId, { keyId: keys[0], limit: 200 }, now);
    expect(other.items.length).toBeGreaterThan(0);
    expect(other.items.every((i) => i.keyName === null)).toBe(true);
    const fresh = await signedInAccount();
    expect(await listUsage(fresh.accountId, { from: new Date(0) }, now)).toEqual({
      items: [],
      nextCursor: null,
      totals: sums([]),
    });
    expect((await dailyUsage(fresh.accountId, {}, now)).days).toEqual([]);
    expect(await summaryCards(fresh.accountId, now)).toMatchObject({
      today: { requests: 0, costMicro: 0n },
      last30Days: { requests: 0, costMicro: 0n },
    });
    for (const route of [usageRoute, dailyRoute, summaryRoute]) {
      const res = await call(route, {
        path: `/api/usage?from=${new Date(now.getTime() - 100 * DAY).toISOString()}`,
        cookie: fresh.cookie,
      });
      expect(res.status).toBe(200);
      expect(JSON.stringify(res.json)).not.toMatch(/"requests":[1-9]/);
    }
    const csv = await call(exportRoute, { path: "/api/usage/export.csv?from=2000-01-01", cookie: fresh.cookie });
    expect(parseCsv(csv.text)).toEqual([[...CSV_HEADER]]);
  });

  it("summary cards: today, 7 and 30 UTC days in one go", async () => {
    const cards = await summaryCards(a.accountId, now);
    const dayStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
    const since = (d: number) => sums(evs.filter((e) => Date.parse(e.at) >= dayStart - d * DAY));
    const pick = (s: ReturnType<typeof sums>) => ({ requests: s.requests, costMicro: s.costMicro });
    expect(cards.today).toEqual(pick(since(0)));
    expect(cards.last7Days).toEqual(pick(since(6)));
    expect(cards.last30Days).toEqual(pick(since(29)));
    // The 30-day card is the default window of the log.
    expect(cards.last30Days).toEqual(pick((await listUsage(a.accountId, {}, now)).totals));
  });

  it("serves the routes with JSON integers", async () => {
    const res = await call(usageRoute, { path: `/api/usage?keyId=${keys[1]}&limit=3`, cookie: a.cookie });
    expect(res.status).toBe(200);
    const expected = sums(evs.filter((e) => matches(e, { keyId: keys[1] }, new Date())));
    expect(res.json.totals).toEqual({
      requests: expected.requests,
      inputTokens: Number(expected.inputTokens),
      outputTokens: Number(expected.outputTokens),
      costMicro: Number(expected.costMicro),
    });
    expect(res.json.items).toHaveLength(3);
    expect(Object.keys(res.json.items[0]).sort()).toEqual([
      "at",
      "costMicro",
      "id",
      "inputTokens",
      "keyId",
      "keyName",
      "keyStart",
      "latencyMs",
      "model",
      "outputTokens",
      "status",
    ]);
    expect(typeof res.json.nextCursor).toBe("string");
    const next = await call(usageRoute, {
      path: `/api/usage?keyId=${keys[1]}&limit=3&cursor=${res.json.nextCursor}`,
      cookie: a.cookie,
    });
    expect(next.json.items.map((i: { id: string }) => i.id)).not.toContain(res.json.items[0].id);
    const daily = await call(dailyRoute, { path: "/api/usage/daily?model=gpt-oss:20b", cookie: a.cookie });
    expect(daily.status).toBe(200);
    expect(daily.json.days.reduce((s: number, d: { costMicro: number }) => s + d.costMicro, 0)).toBe(
      Number(sums(evs.filter((e) => matches(e, { model: "gpt-oss:20b" }, new Date()))).costMicro),
    );
    const summary = await call(summaryRoute, { path: "/api/usage/summary", cookie: a.cookie });
    const window = sums(evs.filter((e) => matches(e, {}, new Date())));
    expect(summary.json.last30Days).toEqual({ requests: window.requests, costMicro: Number(window.costMicro) });
    expect(Number.isInteger(summary.json.last7Days.costMicro)).toBe(true);
  });

  it("exports CSV: header, one row per event, RFC 4180 round trip", async () => {
    const res = await call(exportRoute, { path: "/api/usage/export.csv?from=2000-01-01T00:00:00Z", cookie: a.cookie });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="solrouter-usage-2000-01-01-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const rows = parseCsv(res.text);
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows.length - 1).toBe(evs.length);
    const byId = new Map(rows.slice(1).map((r) => [r[0], Object.fromEntries(CSV_HEADER.map((h, i) => [h, r[i]!]))]));
    expect(byId.size).toBe(evs.length);
    const page = await listUsage(a.accountId, { from: new Date(0), limit: 200 }, now);
    for (const item of page.items) {
      const r = byId.get(item.id)!;
      expect(r.time).toBe(item.at);
      expect(r.key_id).toBe(item.keyId ?? "");
      // Names come back exactly, except that a formula gets its apostrophe.
      const name = item.keyName ?? "";
      expect(r.key_name).toBe(name.startsWith("=") ? `'${name}` : name);
      expect(r.cost_micro).toBe(item.costMicro.toString());
      expect(r.cost_usd).toBe(microToUsdDecimal(item.costMicro));
      expect(BigInt(r.cost_usd!.replace(".", ""))).toBe(item.costMicro);
      expect([r.model, r.input_tokens, r.output_tokens, r.latency_ms, r.status]).toEqual([
        item.model,
        String(item.inputTokens),
        String(item.outputTokens),
        String(item.latencyMs),
        String(item.status),
      ]);
    }
    expect(res.text).toContain('"Prod, ""main""\nsecond line"');
    // The export honours the filters exactly.
    const filtered = await call(exportRoute, {
      path: `/api/usage/export.csv?keyId=${keys[0]}&status=error`,
      cookie: a.cookie,
    });
    expect(parseCsv(filtered.text).length - 1).toBe(
      evs.filter((e) => matches(e, { keyId: keys[0], status: "error" }, new Date())).length,
    );
  });

  it("streams in batches and stops when the reader goes away", async () => {
    const text = await new Response(
      await usageCsvStream(a.accountId, { from: new Date(0) }, { now, batchRows: 4 }),
    ).text();
    expect(parseCsv(text).length - 1).toBe(evs.length);
    const ctl = new AbortController();
    const reader = (
      await usageCsvStream(a.accountId, { from: new Date(0) }, { now, batchRows: 4, signal: ctl.signal })
    ).getReader();
    expect(new TextDecoder().decode((await reader.read()).value)).toBe(`${CSV_HEADER.join(",")}\r\n`);
    await reader.read();
    ctl.abort();
    await expect(reader.read()).rejects.toBeDefined();
  });

  it("rejects bad filters with 400 invalid_request", async () => {
    const bad = [
      "limit=0",
      "limit=201",
      "limit=abc",
      "keyId=nope",
      "status=abc",
      "status=99",
      "status=2000",
      "from=yesterday",
      "from=2025-02-01&to=2025-01-01",
      "cursor=garbage",
      "model=%3Cscript%3E",
    ];
    for (const route of [usageRoute, dailyRoute, exportRoute]) {
      for (const q of bad) {
        const res = await call(route, { path: `/api/usage?${q}`, cookie: a.cookie });
        if (q.startsWith("cursor") && route !== usageRoute) continue; // only the log reads the cursor
        expect([q, res.status, res.json?.error?.code]).toEqual([q, 400, "invalid_request"]);
      }
    }
    const wide = await call(dailyRoute, { path: "/api/usage/daily?from=2000-01-01", cookie: a.cookie });
    expect(wide.status).toBe(400);
  });
});
