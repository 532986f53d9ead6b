import { beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { setDb, type DbHandle } from "@/lib/db";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { call } from "@/lib/test/http";
import { serveRoutes } from "@/lib/test/serve";
import { signedInAccount } from "@/lib/test/session";
import { parseCsv } from "@/lib/test/csv";
import { withQuietLogs } from "@/lib/test/quiet-logs";
import { CSV_BATCH_ROWS, CSV_FAILED_MARK, CSV_HEADER } from "./csv";
import { GET as usageRoute } from "@/app/api/usage/route";
import { GET as dailyRoute } from "@/app/api/usage/daily/route";
import { GET as exportRoute } from "@/app/api/usage/export.csv/route";

const cursor = (t: string, i: string) => Buffer.from(JSON.stringify([t, i])).toString("base64url");

// Each of these answered 500 (PostgreSQL and PGlite refuse what JavaScript accepted).
const OUT_OF_RANGE = [
  "from=0000-01-01",
  "to=0000-01-01",
  "from=0000-12-31T23:00:00-01:00",
  "from=1969-12-31",
  "to=9999-12-31T23:00:00-05:00",
  "from=9999-12-31",
  "to=2025-01-01&from=2025-01-02",
  "from=2025-01-01T00:00:00Z&to=2025-01-01T00:00:00Z",
];
const BAD_CURSORS = [
  cursor("2025-01-01T00:00:00.000000Z", "9999999999999999999"),
  cursor("2025-01-01T00:00:00.000000Z", "9223372036854775808"),
  cursor("2025-13-45T99:99:99.000000Z", "1"),
  cursor("0000-01-01T00:00:00.000000Z", "1"),
  cursor("2025-02-30T00:00:00.000000Z", "1"),
];

/** A handle whose queries fail from the `failFrom`-th transaction on, as if the database went away. */
function failingAfter(db: DbHandle, okTransactions: number): DbHandle {
  let n = 0;
  return new Proxy(db, {
    get(target, prop, receiver) {
      if (prop === "transaction") {
        return (fn: Parameters<DbHandle["transaction"]>[0]) =>
          ++n > okTransactions
            ? Promise.reject(new Error("Connection terminated unexpectedly"))
            : target.transaction(fn);
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

function get(
  url: string,
  cookie: string,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; text: string; complete: boolean; error?: Error }> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { cookie } }, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => (text += c));
        // A cut connection shows as "aborted" and an error on the response instead of "end".
        res.on("error", (error) =>
          resolve({ status: res.statusCode!, headers: res.headers, text, complete: false, error }),
        );
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, text, complete: res.complete }));
      })
      .on("error", reject);
  });
}

describe.each(testDbKinds())("usage input edges (%s)", (kind) => {
  const { db } = testRuntime(kind, { env: { APP_URL: "http://localhost:3000", SOLANA_CLUSTER: "localnet" } });
  let a: Awaited<ReturnType<typeof signedInAccount>>;
  beforeAll(async () => {
    a = await signedInAccount();
    // One row more than an export batch, so an export needs a second query.
    await db.query(
      `INSERT INTO usage_events (account_id, key_id, model, input_tokens, output_tokens, cost_micro, latency_ms, status, created_at, auth_kind, request_id)
       SELECT $1, NULL, 'gpt-oss:20b', 10, 5, 7, 100, 200, now() - make_interval(secs => g), 'key', 'req' FROM generate_series(1, $2::int) g`,
      [a.accountId, CSV_BATCH_ROWS + 1],
    );
  });

  it("answers out-of-range dates with 400 invalid_request on every usage route, never 500", async () => {
    for (const route of [usageRoute, dailyRoute, exportRoute]) {
      for (const q of OUT_OF_RANGE) {
        const res = await call(route, { path: `/api/usage?${q}`, cookie: a.cookie });
        expect([q, res.status, res.json?.error?.code]).toEqual([q, 400, "invalid_request"]);
      }
    }
  });

  it("answers cursors this API never returns with 400 invalid_request", async () => {
    for (const c of BAD_CURSORS) {
      const res = await call(usageRoute, { path: `/api/usage?cursor=${c}`, cookie: a.cookie });
      expect([Buffer.from(c, "base64url").toString(), res.status, res.json?.error?.code]).toEqual([
        Buffer.from(c, "base64url").toString(),
        400,
        "invalid_request",
      ]);
    }
    // The edges of the range still work.
    const ok = await call(usageRoute, {
      path: `/api/usage?from=1970-01-01&to=9999-12-30T23:59:59Z&cursor=${cursor("2025-01-01T00:00:00.000000Z", "9223372036854775807")}`,
      cookie: a.cookie,
    });
    expect(ok.status).toBe(200);
  });

  it("refuses a bad export before the first byte, as JSON", async () => {
    const res = await call(exportRoute, { path: "/api/usage/export.csv?from=0000-01-01", cookie: a.cookie });
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    // A database that is down before the export starts: a contract error with its status, no CSV.
    setDb(failingAfter(db, 0));
    try {
      const down = await withQuietLogs(() => call(exportRoute, { path: "/api/usage/export.csv", cookie: a.cookie }));
      expect(down.status).toBeGreaterThanOrEqual(500);
      expect(down.json.error.code).toBeDefined();
    } finally {
      setDb(db);
    }
  });

  it("ends an export that fails mid-stream cleanly, with a last record saying so", async () => {
    // Sessions are looked up outside transactions; the export's first batch is the first transaction.
    const server = await serveRoutes({ "/api/usage/export.csv": { GET: exportRoute } });
    try {
      const whole = await get(`${server.url}/api/usage/export.csv`, a.cookie);
      expect(whole.complete).toBe(true);
      expect(parseCsv(whole.text).length).toBe(CSV_BATCH_ROWS + 2);
      expect(whole.text).not.toContain(CSV_FAILED_MARK);

      setDb(failingAfter(db, 1));
      const res = await withQuietLogs(() => get(`${server.url}/api/usage/export.csv`, a.cookie));
      expect(res.status).toBe(200);
      expect(res.error).toBeUndefined();
      expect(res.complete).toBe(true);
      const rows = parseCsv(res.text);
      expect(rows[0]).toEqual([...CSV_HEADER]);
      expect(rows.length).toBe(CSV_BATCH_ROWS + 2);
      const last = rows[rows.length - 1]!;
      expect(last.slice(0, 2)).toEqual([CSV_FAILED_MARK, "export_failed"]);
      expect(last[2]).toContain(`after ${CSV_BATCH_ROWS} rows`);
      expect(last[2]).toContain("incomplete");
    } finally {
      setDb(db);
      await server.close();
    }
  });
});
