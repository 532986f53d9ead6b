// Profiles the production server under one bench scenario: `npm start` (scripts/start.ts) under `--cpu-prof`, the same
// closed-loop clients as `npm run bench`, then a summary of where the server's CPU went per call.
//   npx tsx --conditions=react-server bench/profile-gateway.ts <pglite|postgres> <chat|stream|models> [seconds]
// Writes the .cpuprofile under bench/results/profiles/ (open it in Chrome DevTools for detail).
// Ports: BENCH_PORT_BASE (default 3900) + 11..12.
import fs from "node:fs";
import path from "node:path";
import { load } from "./lib/load";
import { streamLoad } from "./lib/stream-load";
import { startBenchServer } from "./lib/server";
import { summarizeProfile } from "./lib/cpu-profile";

const kind = (process.argv[2] ?? "pglite") as "pglite" | "postgres";
const scenario = process.argv[3] ?? "chat";
const seconds = Number(process.argv[4] ?? 10);
const base = Number(process.env.BENCH_PORT_BASE ?? 3900);
const dir = path.resolve("bench/results/profiles", `${kind}-${scenario}-${Date.now()}`);
fs.mkdirSync(dir, { recursive: true });

const server = await startBenchServer(kind, base + 11, ["--cpu-prof", `--cpu-prof-dir=${dir}`], base + 12);
const headers = { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" };
const body = (stream: boolean) =>
  JSON.stringify({
    model: "gpt-oss:20b",
    messages: [{ role: "user", content: "Say hello in five words." }],
    max_tokens: 32,
    stream,
  });
let calls = 0;
const now = () => Number(process.hrtime.bigint() / 1000n);
let window: [number, number] | undefined;
try {
  if (scenario === "stream") {
    const t = { url: `${server.url}/v1/chat/completions`, headers, body: body(true), concurrency: 32 };
    await streamLoad({ ...t, seconds: 2 });
    const t0 = now();
    const r = await streamLoad({ ...t, seconds });
    window = [t0, now()];
    calls = Math.round(r.rps * seconds);
    console.log(JSON.stringify({ rps: r.rps, ttftP50: r.ttftP50, ttftP99: r.ttftP99, errors: r.errors }));
  } else {
    const t =
      scenario === "models"
        ? { url: `${server.url}/api/models`, concurrency: 32 }
        : { url: `${server.url}/v1/chat/completions`, method: "POST", headers, body: body(false), concurrency: 32 };
    await load({ ...t, seconds: 2 });
    const t0 = now();
    const r = await load({ ...t, seconds });
    window = [t0, now()];
    calls = Math.round(r.rps * seconds);
    console.log(JSON.stringify({ rps: r.rps, p50: r.p50, p99: r.p99, errors: r.errors }));
  }
} finally {
  await server.stop();
}
for (const f of fs.readdirSync(dir).filter((f) => f.endsWith(".cpuprofile")))
  console.log(f, summarizeProfile(path.join(dir, f), calls, window));
