// `npm run bench`: every benchmark in one run, printed side by side. Needs a production build
// (`npm run build`) and, for the PostgreSQL rows, PostgreSQL on 127.0.0.1:5432 (or TEST_DATABASE_URL).
import fs from "node:fs";
import { benchKeyVerify } from "./keys-verify";
import { benchSignIn } from "./signin";
import { benchGateway } from "./gateway-throughput";
import { benchPageWeight } from "./page-weight";
import { benchLighthouse } from "./lighthouse";

type Row = Record<string, number | string>;
const results: Row = {};
const only = process.argv.slice(2);
const want = (name: string) => only.length === 0 || only.includes(name);

async function section(name: string, fn: () => Promise<Row> | Row) {
  if (!want(name)) return;
  const t0 = performance.now();
  try {
    Object.assign(results, await fn());
  } catch (err) {
    results[`${name}.error`] = (err as Error).message.slice(0, 200);
  }
  console.error(`[bench] ${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

async function optional(name: string, file: string, exportName: string, ...args: unknown[]) {
  if (!fs.existsSync(new URL(file, import.meta.url))) return;
  await section(name, async () => {
    const mod = (await import(file)) as Record<string, (...a: unknown[]) => Promise<Row>>;
    return mod[exportName]!(...args);
  });
}

await section("keys", () => benchKeyVerify());
await section("signin", () => benchSignIn());
await section("gateway-pglite", () => benchGateway("pglite"));
await section("gateway-postgres", () => benchGateway("postgres"));
await section("pages", () => benchPageWeight());
await section("lighthouse", () => benchLighthouse());
await optional("x402", "./x402-latency.ts", "benchX402Latency");
await optional("topups", "./topup-confirm.ts", "benchTopupConfirm");
await optional("usage-pglite", "./usage.ts", "benchUsage", "pglite");
await optional("usage-postgres", "./usage.ts", "benchUsage", "postgres");

const width = Math.max(...Object.keys(results).map((k) => k.length));
console.log("\nSolrouter benchmarks");
for (const [k, v] of Object.entries(results)) console.log(`  ${k.padEnd(width)}  ${v}`);
fs.mkdirSync("bench/results", { recursive: true });
fs.writeFileSync(
  `bench/results/${new Date().toISOString().replace(/[:.]/g, "-")}.json`,
  JSON.stringify(results, null, 2),
);
process.exit(0);
