// Summarizes a V8 .cpuprofile: self time per category and the heaviest functions, per call.
import fs from "node:fs";

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

// First match wins: where a function's code comes from.
const CATEGORIES: [string, RegExp][] = [
  ["(idle)", /^\(idle\)$/],
  ["(gc)", /^\(garbage collector\)$/],
  ["(program)", /^\(program\)$/],
  ["pglite", /pglite/],
  ["pg (node-postgres)", /node_modules\/(pg|pg-protocol|pg-pool)\//],
  ["drizzle", /drizzle-orm/],
  ["zod", /zod/],
  ["pino/log", /pino|thread-stream|sonic-boom/],
  ["next", /node_modules\/next\//],
  ["react", /react/],
  ["our code (.next/server)", /\.next\/server/],
  ["node internals", /^node:|^internal\//],
];

/**
 * `window`: only samples between these monotonic microsecond stamps (process.hrtime of any process
 * on the machine: V8 stamps profiles with the same clock), e.g. the measured load without startup.
 */
export function summarizeProfile(file: string, calls: number, window?: [number, number]): string {
  const p = JSON.parse(fs.readFileSync(file, "utf8")) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  let t = p.startTime;
  let wall = 0;
  p.samples.forEach((id, i) => {
    t += p.timeDeltas[i] ?? 0;
    if (window && (t < window[0] || t > window[1])) return;
    wall += p.timeDeltas[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + (p.timeDeltas[i] ?? 0));
  });
  // Inclusive time of a few functions worth knowing (by name; recursion counted once per path).
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const WATCH =
    /^(runCall|streamChatResponse|completeChat|resolveAgentCaller|resolveApiKey|readJsonText|readBodyText|safeParse|writeBatch|drain|submit|reserve|open|complete|post|streamChat|errorToResponse|wrap|withCors|child|info|warn|randomToken|paymentFor|keyPayment|chatCallRequest|idempotencyScope|idempotentJson|json|respond)$/;
  const incl = new Map<string, number>();
  for (const [id, us] of self) {
    const seen = new Set<string>();
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const f = byId.get(cur)!.callFrame;
      if (!WATCH.test(f.functionName) || !f.url.includes(".next/server")) continue;
      const k = `${f.functionName} ${f.url.replace(/.*\/\.next\//, "")}:${f.lineNumber}`;
      if (seen.has(k)) continue;
      seen.add(k);
      incl.set(k, (incl.get(k) ?? 0) + us);
    }
  }
  const cat = new Map<string, number>();
  const fns = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id)!;
    const key = `${n.callFrame.functionName || "(anon)"} ${n.callFrame.url.replace(/.*\/(node_modules|\.next)\//, "$1/")}:${n.callFrame.lineNumber}`;
    const c =
      CATEGORIES.find(([, re]) => re.test(n.callFrame.functionName) || re.test(n.callFrame.url))?.[0] ??
      (n.callFrame.url ? "other js" : `native: ${n.callFrame.functionName}`);
    cat.set(c, (cat.get(c) ?? 0) + us);
    fns.set(key, (fns.get(key) ?? 0) + us);
    if (c !== "(idle)") total += us;
  }
  const per = (us: number) => `${(us / Math.max(1, calls)).toFixed(0)} µs/call`;
  const lines = [`busy ${(total / 1e6).toFixed(2)} s of ${(wall / 1e6).toFixed(1)} s, ${calls} calls, ${per(total)}`];
  for (const [c, us] of [...cat].sort((a, b) => b[1] - a[1]).filter(([, us]) => us / Math.max(1, calls) >= 5))
    lines.push(`  ${c.padEnd(28)} ${per(us)}`);
  lines.push("  top functions (self):");
  for (const [k, us] of [...fns].sort((a, b) => b[1] - a[1]).slice(0, 45))
    lines.push(`    ${per(us).padStart(14)}  ${k}`);
  lines.push("  our functions (inclusive):");
  for (const [k, us] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, 30))
    lines.push(`    ${per(us).padStart(14)}  ${k}`);
  return "\n" + lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`)
  console.log(summarizeProfile(process.argv[2]!, Number(process.argv[3] ?? 1)));
