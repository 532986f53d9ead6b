// The metered gateway side by side with a peer, against one production server, in alternating
// rounds so drift affects all: /agent and /v1/chat/completions (funded key, stand-in model) vs the
// app's trivial GET /api/models, and vs Portkey's open-source gateway forwarding the same chat
// completion, unauthenticated and unmetered, to the same stand-in model process. Non-streamed:
// throughput and p50/p99 with 32 clients; streamed: time to first token.
// Ports: BENCH_PORT_BASE (default 3900) + 1..7.
import { load, type LoadResult } from "./lib/load";
import { streamLoad } from "./lib/stream-load";
import { startBenchServer } from "./lib/server";
import { startPortkey } from "./lib/portkey";

const MODEL = "gpt-oss:20b";
const PROMPT = "Say hello in five words.";
const chatBody = (stream: boolean) =>
  JSON.stringify({ model: MODEL, messages: [{ role: "user", content: PROMPT }], max_tokens: 32, stream });

export async function benchGateway(kind: "pglite" | "postgres", opts = { concurrency: 32, seconds: 5, rounds: 2 }) {
  const base = Number(process.env.BENCH_PORT_BASE ?? 3900);
  const offset = kind === "pglite" ? 0 : 1;
  const server = await startBenchServer(kind, base + 1 + offset, [], base + 3 + offset);
  const portkey = await startPortkey(base + 5 + offset, server.modelUrl);
  try {
    const keyHeaders = { authorization: `Bearer ${server.apiKey}`, "content-type": "application/json" };
    const targets = {
      models: { url: `${server.url}/api/models` },
      agent: {
        url: `${server.url}/agent`,
        method: "POST",
        headers: keyHeaders,
        body: JSON.stringify({ prompt: PROMPT, model: MODEL, maxTokens: 32 }),
      },
      chat: { url: `${server.url}/v1/chat/completions`, method: "POST", headers: keyHeaders, body: chatBody(false) },
      portkey: {
        url: `${portkey.url}/v1/chat/completions`,
        method: "POST",
        headers: portkey.headers,
        body: chatBody(false),
      },
    };
    const probe = await fetch(targets.chat.url, { method: "POST", headers: keyHeaders, body: chatBody(false) });
    await probe.arrayBuffer();
    const chatLive = probe.status !== 404;
    const names = (["models", "agent", "chat", "portkey"] as const).filter((n) => n !== "chat" || chatLive);
    // Warm up every route (compilation caches, connections, first hold).
    for (const n of names) await load({ ...targets[n], concurrency: opts.concurrency, seconds: 2 });
    const runs: Record<string, LoadResult[]> = {};
    for (let r = 0; r < opts.rounds; r++)
      for (const n of names)
        (runs[n] ??= []).push(await load({ ...targets[n], concurrency: opts.concurrency, seconds: opts.seconds }));
    const avg = (n: string) => runs[n]!.reduce((s, x) => s + x.rps, 0) / runs[n]!.length;
    const out: Record<string, number | string> = {};
    for (const n of names) {
      out[`${kind}.${n}Rps`] = Math.round(avg(n));
      if (n === "models") continue;
      out[`${kind}.${n}P50Ms`] = +runs[n]!.at(-1)!.p50.toFixed(1);
      out[`${kind}.${n}P99Ms`] = +Math.max(...runs[n]!.map((x) => x.p99)).toFixed(1);
      out[`${kind}.${n}Errors`] = runs[n]!.reduce((s, x) => s + x.errors, 0);
    }
    out[`${kind}.agentToModelsRatio`] = +(avg("agent") / avg("models")).toFixed(3);
    out[`${kind}.agentToPortkeyRatio`] = +(avg("agent") / avg("portkey")).toFixed(3);
    if (chatLive) out[`${kind}.chatToPortkeyRatio`] = +(avg("chat") / avg("portkey")).toFixed(3);
    else out[`${kind}.chat`] = "skipped: POST /v1/chat/completions answered 404 (not in this build)";

    // Streamed: time to the first content token, same clients.
    const streams = { portkey: { url: targets.portkey.url, headers: portkey.headers, body: chatBody(true) } } as Record<
      string,
      { url: string; headers: Record<string, string>; body: string }
    >;
    if (chatLive) streams.chat = { url: targets.chat.url, headers: keyHeaders, body: chatBody(true) };
    for (const [n, t] of Object.entries(streams)) {
      await streamLoad({ ...t, concurrency: opts.concurrency, seconds: 2 });
      const s = await streamLoad({ ...t, concurrency: opts.concurrency, seconds: opts.seconds });
      out[`${kind}.${n}StreamRps`] = Math.round(s.rps);
      out[`${kind}.${n}StreamTtftP50Ms`] = +s.ttftP50.toFixed(1);
      out[`${kind}.${n}StreamTtftP99Ms`] = +s.ttftP99.toFixed(1);
      out[`${kind}.${n}StreamErrors`] = s.errors;
    }
    return out;
  } finally {
    await portkey.stop();
    await server.stop();
  }
}
