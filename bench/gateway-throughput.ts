// /agent with a funded key and the stand-in model vs the app's trivial GET /api/models, measured
// side by side against one production server, alternating rounds so drift affects both.
import { load } from "./lib/load";
import { startBenchServer } from "./lib/server";

export async function benchGateway(kind: "pglite" | "postgres", opts = { concurrency: 32, seconds: 5, rounds: 2 }) {
  const server = await startBenchServer(kind, kind === "pglite" ? 3901 : 3902);
  try {
    const agent = {
      url: `${server.url}/agent`,
      method: "POST",
      headers: { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "Say hello in five words.", model: "gpt-oss:20b", maxTokens: 32 }),
    };
    const models = { url: `${server.url}/api/models` };
    // Warm up both routes (compilation caches, connections, first hold).
    await load({ ...models, concurrency: opts.concurrency, seconds: 2 });
    await load({ ...agent, concurrency: opts.concurrency, seconds: 2 });
    const m: number[] = [];
    const a: number[] = [];
    let agentP99 = 0;
    let agentP50 = 0;
    let errors = 0;
    for (let r = 0; r < opts.rounds; r++) {
      m.push((await load({ ...models, concurrency: opts.concurrency, seconds: opts.seconds })).rps);
      const res = await load({ ...agent, concurrency: opts.concurrency, seconds: opts.seconds });
      a.push(res.rps);
      agentP99 = Math.max(agentP99, res.p99);
      agentP50 = res.p50;
      errors += res.errors;
    }
    const avg = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    return {
      [`${kind}.modelsRps`]: Math.round(avg(m)),
      [`${kind}.agentRps`]: Math.round(avg(a)),
      [`${kind}.agentToModelsRatio`]: +(avg(a) / avg(m)).toFixed(3),
      [`${kind}.agentP50Ms`]: +agentP50.toFixed(1),
      [`${kind}.agentP99Ms`]: +agentP99.toFixed(1),
      [`${kind}.agentErrors`]: errors,
    };
  } finally {
    await server.stop();
  }
}
