import { describe, expect, it } from "vitest";
import { testDbKinds } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import { parseCsv } from "@/lib/test/csv";
import { matches, sums, usageSuite } from "@/lib/test/usage-history";
import { listUsage } from "./queries";
import { CSV_HEADER, microToUsdDecimal, usageCsvStream } from "./csv";
import { GET as usageRoute } from "@/app/api/usage/route";
import { GET as dailyRoute } from "@/app/api/usage/daily/route";
import { GET as summaryRoute } from "@/app/api/usage/summary/route";
import { GET as exportRoute } from "@/app/api/usage/export.csv/route";

// The usage routes over the seeded history of lib/test/usage-history.ts: JSON integers, the
// cursor, the CSV export (RFC 4180, filters, streaming, a reader that leaves) and bad filters.

describe.each(testDbKinds())("usage routes and export (%s)", (kind) => {
  const u = usageSuite(kind);

  it("serves the routes with JSON integers", async () => {
    const res = await call(usageRoute, { path: `/api/usage?keyId=${u.keys[1]}&limit=3`, cookie: u.a.cookie });
    expect(res.status).toBe(200);
    const expected = sums(u.evs.filter((e) => matches(e, { keyId: u.keys[1] }, new Date())));
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
      path: `/api/usage?keyId=${u.keys[1]}&limit=3&cursor=${res.json.nextCursor}`,
      cookie: u.a.cookie,
    });
    expect(next.json.items.map((i: { id: string }) => i.id)).not.toContain(res.json.items[0].id);
    const daily = await call(dailyRoute, { path: "/api/usage/daily?model=gpt-oss:20b", cookie: u.a.cookie });
    expect(daily.status).toBe(200);
    expect(daily.json.days.reduce((s: number, d: { costMicro: number }) => s + d.costMicro, 0)).toBe(
      Number(sums(u.evs.filter((e) => matches(e, { model: "gpt-oss:20b" }, new Date()))).costMicro),
    );
    const summary = await call(summaryRoute, { path: "/api/usage/summary", cookie: u.a.cookie });
    const window = sums(u.evs.filter((e) => matches(e, {}, new Date())));
    expect(summary.json.last30Days).toEqual({ requests: window.requests, costMicro: Number(window.costMicro) });
    expect(Number.isInteger(summary.json.last7Days.costMicro)).toBe(true);
  });

  it("exports CSV: header, one row per event, RFC 4180 round trip", async () => {
    const res = await call(exportRoute, {
      path: "/api/usage/export.csv?from=2000-01-01T00:00:00Z",
      cookie: u.a.cookie,
    });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("content-disposition")).toMatch(
      /^attachment; filename="solrouter-usage-2000-01-01-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    const rows = parseCsv(res.text);
    expect(rows[0]).toEqual([...CSV_HEADER]);
    expect(rows.length - 1).toBe(u.evs.length);
    const byId = new Map(rows.slice(1).map((r) => [r[0], Object.fromEntries(CSV_HEADER.map((h, i) => [h, r[i]!]))]));
    expect(byId.size).toBe(u.evs.length);
    const page = await listUsage(u.a.accountId, { from: new Date(0), limit: 200 }, u.now);
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
      path: `/api/usage/export.csv?keyId=${u.keys[0]}&status=error`,
      cookie: u.a.cookie,
    });
    expect(parseCsv(filtered.text).length - 1).toBe(
      u.evs.filter((e) => matches(e, { keyId: u.keys[0], status: "error" }, new Date())).length,
    );
  });

  it("streams in batches and stops when the reader goes away", async () => {
    const text = await new Response(
      await usageCsvStream(u.a.accountId, { from: new Date(0) }, { now: u.now, batchRows: 4 }),
    ).text();
    expect(parseCsv(text).length - 1).toBe(u.evs.length);
    const ctl = new AbortController();
    const reader = (
      await usageCsvStream(u.a.accountId, { from: new Date(0) }, { now: u.now, batchRows: 4, signal: ctl.signal })
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
        const res = await call(route, { path: `/api/usage?${q}`, cookie: u.a.cookie });
        if (q.startsWith("cursor") && route !== usageRoute) continue; // only the log reads the cursor
        expect([q, res.status, res.json?.error?.code]).toEqual([q, 400, "invalid_request"]);
      }
    }
    const wide = await call(dailyRoute, { path: "/api/usage/daily?from=2000-01-01", cookie: u.a.cookie });
    expect(wide.status).toBe(400);
  });
});
