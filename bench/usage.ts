// Usage queries at scale: 1,000,000 events in one account (plus noise accounts), then the
// request log's first page, a filtered page, the 30-day daily aggregate, the summary cards and
// a streamed CSV export of 100,000 rows, through the route handlers with a session cookie.
// Standalone: npx tsx --conditions=react-server bench/usage.ts pglite|postgres [--span-days=30]
// (postgres needs TEST_DATABASE_URL; a scratch database is created and dropped).
import { pathToFileURL } from "node:url";
import { overrideEnv, env } from "@/lib/env";
import { setDb } from "@/lib/db";
import { openTestDb } from "@/lib/test/db";
import { signedInAccount } from "@/lib/test/session";
import { GET as usageRoute } from "@/app/api/usage/route";
import { GET as dailyRoute } from "@/app/api/usage/daily/route";
import { GET as summaryRoute } from "@/app/api/usage/summary/route";
import { GET as exportRoute } from "@/app/api/usage/export.csv/route";

type Handler = (req: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface BenchUsageOptions {
  rows?: number;
  /** The events are spread evenly over this many days up to now; 30 puts every row in the default window (worst case). */
  spanDays?: number;
  runs?: number;
  log?: (line: string) => void;
}

const KEYS = 10;
const MODELS = ["gpt-oss:20b", "gpt-oss:120b", "gpt-oss:20b", "llama3.1:8b"];

function pct(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
const round = (n: number) => Math.round(n * 10) / 10;

async function request(handler: Handler, path: string, cookie: string): Promise<Response> {
  const res = await handler(new Request(new URL(path, env().APP_URL), { headers: { cookie } }), {
    params: Promise.resolve({}),
  });
  if (res.status !== 200) throw new Error(`${path} → ${res.status} ${await res.text()}`);
  return res;
}

export async function benchUsage(
  kind: "pglite" | "postgres",
  opts: BenchUsageOptions = {},
): Promise<Record<string, number | string>> {
  const rows = opts.rows ?? 1_000_000;
  const spanDays = opts.spanDays ?? 30;
  const runs = opts.runs ?? 50;
  const log = opts.log ?? (() => {});
  overrideEnv({ APP_URL: "http://localhost:3000", SOLANA_CLUSTER: "localnet", LOG_LEVEL: "silent" });
  const db = await openTestDb(kind);
  setDb(db);
  const out: Record<string, number | string> = { rows, spanDays, runs };
  try {
    const main = await signedInAccount();
    const noise = await Promise.all([1, 2, 3].map(() => signedInAccount()));
    await db.query(
      `INSERT INTO api_keys (account_id, name, key_hash, start)
       SELECT $1::uuid, 'bench key ' || g, 'bench-hash-' || g || '-' || $1::text, 'sk_solrouter_b' || g FROM generate_series(0, $2::int - 1) g`,
      [main.accountId, KEYS],
    );
    const keyIds = (
      await db.query<{ id: string }>("SELECT id FROM api_keys WHERE account_id = $1 ORDER BY name", [main.accountId])
    ).map((r) => r.id);

    const seedStart = performance.now();
    const now = Date.now();
    const seed = async (accountId: string, count: number, keys: string[]) => {
      const chunk = 100_000;
      for (let lo = 1; lo <= count; lo += chunk) {
        const hi = Math.min(count, lo + chunk - 1);
        await db.query(
          `INSERT INTO usage_events (account_id, key_id, auth_kind, model, input_tokens, output_tokens, cost_micro, latency_ms, status, request_id, created_at)
           SELECT $1, ($2::uuid[])[1 + g % cardinality($2::uuid[])], 'key', ($3::text[])[1 + g % 4], 100 + g % 900, 50 + g % 450,
                  10 + g % 1000, 200 + g % 800, CASE WHEN g % 100 = 7 THEN 500 WHEN g % 50 = 3 THEN 429 ELSE 200 END, 'bench-' || g,
                  to_timestamp($6::double precision / 1000) - (g * ($7::double precision / $4)) * interval '1 millisecond'
           FROM generate_series($5::int, $8::int) g`,
          [accountId, keys, MODELS, count, lo, now, spanDays * 86_400_000, hi],
        );
        log(`  seeded ${hi.toLocaleString()} / ${count.toLocaleString()}`);
      }
    };
    await seed(main.accountId, rows, keyIds);
    for (const n of noise) await seed(n.accountId, Math.round(rows / 20), [keyIds[0]!]);
    // PostgreSQL's autovacuum would analyze shortly after a bulk load; PGlite never does (no
    // autovacuum), so it is measured without statistics, as it runs in production.
    if (kind === "postgres") await db.query("ANALYZE usage_events");
    out.seedMs = Math.round(performance.now() - seedStart);
    log(`seeded in ${out.seedMs} ms`);

    const measure = async (name: string, handler: Handler, path: string) => {
      const times: number[] = [];
      for (let i = 0; i < runs + 3; i++) {
        const t = performance.now();
        await (await request(handler, path, main.cookie)).text();
        if (i >= 3) times.push(performance.now() - t);
      }
      times.sort((a, b) => a - b);
      out[`${name}P50Ms`] = round(pct(times, 0.5));
      out[`${name}P95Ms`] = round(pct(times, 0.95));
      log(`${name}: p50 ${out[`${name}P50Ms`]} ms, p95 ${out[`${name}P95Ms`]} ms`);
    };
    await measure("firstPage", usageRoute, "/api/usage");
    await measure("filteredPage", usageRoute, `/api/usage?keyId=${keyIds[3]}&model=gpt-oss:120b`);
    const first = (await (await request(usageRoute, "/api/usage?limit=200", main.cookie)).json()) as {
      nextCursor: string;
    };
    await measure("nextPage", usageRoute, `/api/usage?limit=200&cursor=${first.nextCursor}`);
    // A window that starts and ends mid-hour: the partial hours at both ends come from the events.
    const offHour = (ms: number) => new Date(Math.floor(ms / 3_600_000) * 3_600_000 + 1_234_567).toISOString();
    await measure(
      "offHourRange",
      usageRoute,
      `/api/usage?status=error&from=${offHour(now - 7 * 86_400_000)}&to=${offHour(now - 86_400_000)}`,
    );
    await measure("daily30d", dailyRoute, "/api/usage/daily");
    await measure("summary", summaryRoute, "/api/usage/summary");

    // Streams one export through the route and samples RSS while it runs.
    // Peak RSS depends on when V8 chooses to collect; what the stream keeps alive does not. With
    // --expose-gc (as `npm run bench` runs), the heap left after a full collection every 2
    // batches is sampled too: flat across export sizes means nothing accumulates.
    const gc = (globalThis as { gc?: () => void }).gc;
    const exportRun = async (path: string) => {
      gc?.();
      const rssBefore = process.memoryUsage().rss;
      const heapBefore = process.memoryUsage().heapUsed;
      let peak = rssBefore;
      let retained = Number.NEGATIVE_INFINITY;
      const sample = () => (peak = Math.max(peak, process.memoryUsage().rss));
      const timer = setInterval(sample, 10);
      const t = performance.now();
      const reader = (await request(exportRoute, path, main.cookie)).body!.getReader();
      let bytes = 0;
      let lines = 0;
      for (let chunk = 1; ; chunk++) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.byteLength;
        for (let i = 0; i < value.length; i++) if (value[i] === 10) lines++;
        sample();
        if (gc && chunk % 2 === 0) {
          gc();
          retained = Math.max(retained, process.memoryUsage().heapUsed - heapBefore);
        }
      }
      clearInterval(timer);
      return {
        rows: lines - 1,
        ms: Math.round(performance.now() - t),
        mb: round(bytes / 1e6),
        peakRssDeltaMb: round((peak - rssBefore) / 1e6),
        retainedHeapMb: gc ? round(retained / 1e6) : "n/a (run with --expose-gc)",
      };
    };
    const key0 = `/api/usage/export.csv?keyId=${keyIds[0]}&from=`;
    // Flat memory: a ten times larger export must not need ten times the memory, so a 10,000-row
    // export runs first as the baseline, then the 100,000-row one (one key in ten, whole span).
    const small = await exportRun(`${key0}${new Date(now - (spanDays / 10) * 86_400_000).toISOString()}`);
    const big = await exportRun(`${key0}${new Date(now - (spanDays + 1) * 86_400_000).toISOString()}`);
    out.exportSmallRows = small.rows;
    out.exportSmallPeakRssDeltaMb = small.peakRssDeltaMb;
    out.exportSmallRetainedHeapMb = small.retainedHeapMb;
    out.exportRows = big.rows;
    out.exportMs = big.ms;
    out.exportMb = big.mb;
    out.exportPeakRssDeltaMb = big.peakRssDeltaMb;
    out.exportRetainedHeapMb = big.retainedHeapMb;
    const [rollup] = await db.query<{ n: string }>(
      "SELECT count(*)::text AS n FROM usage_hourly WHERE account_id = $1",
      [main.accountId],
    );
    out.rollupRows = Number(rollup!.n);
    log(
      `export: ${small.rows} rows → peak RSS +${small.peakRssDeltaMb} MB; ${big.rows} rows, ${big.mb} MB in ${big.ms} ms → peak RSS +${big.peakRssDeltaMb} MB`,
    );
    // Prefixed, so that the PGlite and PostgreSQL runs sit side by side in `npm run bench`.
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [`usage.${kind}.${k}`, v]));
  } finally {
    setDb(undefined);
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const kind = process.argv[2] === "postgres" ? "postgres" : "pglite";
  const span = process.argv.find((a) => a.startsWith("--span-days="));
  const rowsArg = process.argv.find((a) => a.startsWith("--rows="));
  benchUsage(kind, {
    spanDays: span ? Number(span.split("=")[1]) : undefined,
    rows: rowsArg ? Number(rowsArg.split("=")[1]) : undefined,
    log: (l) => console.error(l),
  })
    .then((r) => {
      console.log(JSON.stringify(r, null, 2));
      process.exit(0);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
