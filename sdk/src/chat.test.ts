import http from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { API_KEY, SECRET } from "../test/fixtures.js";
import {
  APIConnectionError,
  APIUserAbortError,
  RateLimitError,
  SolRouter,
  UpstreamError,
  type ChatCompletionChunk,
} from "./index.js";

// A tiny server speaking the contract's /v1/chat/completions: JSON, or SSE chunks with keep-alive
// comments, a final usage chunk and [DONE]. The prompt steers it, like the stand-in model server.
const WORDS = ["Hel", "lo, ", "wor", "ld!"];
const USAGE = { prompt_tokens: 5, completion_tokens: WORDS.length, total_tokens: 5 + WORDS.length, cost_micro: 17 };
const chunk = (content: string): ChatCompletionChunk => ({
  id: "42",
  object: "chat.completion.chunk",
  created: 1,
  model: "m",
  choices: [{ index: 0, delta: { content }, finish_reason: null }],
});

interface Seen {
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown>;
}
let server: http.Server;
let url: string;
const seen: Seen[] = [];
let closed: Array<() => void> = [];
let closes = 0;

async function handle(req: http.IncomingMessage, res: http.ServerResponse, body: Record<string, unknown>) {
  const prompt = JSON.stringify(body.messages);
  if (prompt.includes("rate-limit") && seen.length === 1) {
    res.writeHead(429, { "content-type": "application/json", "retry-after": "0" });
    return res.end('{"error":{"code":"rate_limited","message":"slow down"}}');
  }
  if (prompt.includes("upstream-error")) {
    res.writeHead(502, { "content-type": "application/json", "x-request-id": "req_e" });
    return res.end('{"error":{"code":"upstream_error","type":"upstream_error","message":"model down"}}');
  }
  const headers: Record<string, string> = { "x-request-id": "req_1", "x-solrouter-cost-micro": "17" };
  if (req.headers["idempotency-key"] === "again") headers["idempotent-replayed"] = "true";
  if (!body.stream) {
    res.writeHead(200, { ...headers, "content-type": "application/json" });
    return res.end(
      JSON.stringify({
        id: "42",
        object: "chat.completion",
        created: 1,
        model: body.model,
        choices: [{ index: 0, message: { role: "assistant", content: WORDS.join("") }, finish_reason: "stop" }],
        usage: USAGE,
      }),
    );
  }
  res.writeHead(200, { ...headers, "content-type": "text/event-stream" });
  res.on("close", () => {
    if (!res.writableFinished) closes++;
    closed.forEach((f) => f());
  });
  res.write(": keep-alive\n\n");
  const slow = prompt.includes("slow");
  for (const [i, w] of WORDS.entries()) {
    if (res.destroyed) return;
    if (prompt.includes("error-after") && i === 2) {
      res.write('data: {"error":{"code":"upstream_error","message":"model failed"}}\n\n');
      return res.end();
    }
    // Split an event across writes and use CRLF: the client must reassemble it.
    const line = `data: ${JSON.stringify(chunk(w))}\r\n\r\n`;
    res.write(line.slice(0, 7));
    res.write(line.slice(7));
    if (slow) await new Promise((r) => setTimeout(r, 100));
  }
  if (prompt.includes("no-done")) return res.end();
  res.write(`data: ${JSON.stringify({ ...chunk(""), choices: [], usage: USAGE })}\n\n`);
  res.end("data: [DONE]\n\n");
}

beforeAll(async () => {
  server = http.createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString()));
    req.on("end", () => {
      const body = JSON.parse(raw) as Record<string, unknown>;
      seen.push({ headers: req.headers, body });
      void handle(req, res, body);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));
beforeEach(() => {
  seen.length = 0;
  closed = [];
  closes = 0;
});

const client = () => new SolRouter({ apiKey: API_KEY, baseUrl: url, maxRetries: 1 });
const ask = (text: string) => [{ role: "user" as const, content: text }];
const sawClose = () => new Promise<void>((r) => closed.push(r));

describe("chat.completions.create", () => {
  it("POSTs the OpenAI body with the key and returns the chat.completion with its cost", async () => {
    const res = await client().chat.completions.create({ model: "m", messages: ask("hi"), max_tokens: 9 });
    expect(res.choices[0]?.message.content).toBe("Hello, world!");
    expect(res.usage).toEqual(USAGE);
    expect(res.requestId).toBe("req_1");
    expect(res.replayed).toBeUndefined();
    expect(seen[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(seen[0]?.body).toEqual({ model: "m", messages: ask("hi"), max_tokens: 9 });
  });

  it("sends the Idempotency-Key and reports a replay", async () => {
    const res = await client().chat.completions.create(
      { model: "m", messages: ask("hi") },
      { idempotencyKey: "again" },
    );
    expect(seen[0]?.headers["idempotency-key"]).toBe("again");
    expect(res.replayed).toBe(true);
  });

  it("streams the chunks, then the usage chunk, and ends at [DONE]", async () => {
    const stream = await client().chat.completions.create({ model: "m", messages: ask("hi"), stream: true });
    expect(seen[0]?.headers.accept).toBe("text/event-stream");
    const chunks: ChatCompletionChunk[] = [];
    for await (const c of stream) chunks.push(c);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? "").join("")).toBe("Hello, world!");
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: USAGE });
    expect(stream.usage).toEqual(USAGE);
    expect(stream.requestId).toBe("req_1");
    await expect(async () => {
      for await (const c of stream) void c;
    }).rejects.toThrow(/read once/);
  });

  it("closes the connection when the AbortSignal fires mid-stream", async () => {
    const ac = new AbortController();
    const stream = await client().chat.completions.create(
      { model: "m", messages: ask("slow"), stream: true },
      { signal: ac.signal },
    );
    const close = sawClose();
    const got: string[] = [];
    const reading = (async () => {
      for await (const c of stream) {
        got.push(c.choices[0]?.delta.content ?? "");
        if (got.length === 1) ac.abort();
      }
    })();
    await expect(reading).rejects.toBeInstanceOf(APIUserAbortError);
    await close;
    expect(closes).toBe(1);
    expect(got.length).toBeLessThan(WORDS.length);
  });

  it("closes the connection when the loop leaves early", async () => {
    const stream = await client().chat.completions.create({ model: "m", messages: ask("slow"), stream: true });
    const close = sawClose();
    for await (const c of stream) if (c) break;
    await close;
    expect(closes).toBe(1);
  });

  it("an already-aborted signal sends nothing", async () => {
    const ac = new AbortController();
    ac.abort();
    const call = client().chat.completions.create(
      { model: "m", messages: ask("hi"), stream: true },
      { signal: ac.signal },
    );
    await expect(call).rejects.toBeInstanceOf(APIUserAbortError);
    expect(seen).toHaveLength(0);
  });

  it("throws the error event after the first chunks", async () => {
    const stream = await client().chat.completions.create({ model: "m", messages: ask("error-after"), stream: true });
    const got: string[] = [];
    const reading = (async () => {
      for await (const c of stream) got.push(c.choices[0]?.delta.content ?? "");
    })();
    await expect(reading).rejects.toMatchObject({ code: "upstream_error", message: "model failed" });
    await expect(reading).rejects.toBeInstanceOf(UpstreamError);
    expect(got).toEqual(WORDS.slice(0, 2));
  });

  it("maps an error before the first byte to the typed error, streamed or not", async () => {
    for (const stream of [true, false] as const) {
      const call = client().chat.completions.create({ model: "m", messages: ask("upstream-error"), stream });
      await expect(call).rejects.toBeInstanceOf(UpstreamError);
      await expect(call).rejects.toMatchObject({ status: 502, requestId: "req_e" });
    }
  });

  it("retries a 429 before the stream starts", async () => {
    const stream = await client().chat.completions.create({ model: "m", messages: ask("rate-limit"), stream: true });
    let n = 0;
    for await (const c of stream) if (c) n++;
    expect(n).toBe(WORDS.length + 1);
    expect(seen).toHaveLength(2);
    const once = new SolRouter({ apiKey: API_KEY, baseUrl: url, maxRetries: 0 });
    seen.length = 0;
    await expect(once.chat.completions.create({ model: "m", messages: ask("rate-limit") })).rejects.toBeInstanceOf(
      RateLimitError,
    );
  });

  it("reports a stream cut before [DONE]", async () => {
    const stream = await client().chat.completions.create({ model: "m", messages: ask("no-done"), stream: true });
    await expect(async () => {
      for await (const c of stream) void c;
    }).rejects.toBeInstanceOf(APIConnectionError);
  });

  it("keeps the key out of sight after the chat API was used", async () => {
    const c = client();
    await c.chat.completions.create({ model: "m", messages: ask("hi") });
    for (const text of [String(c), JSON.stringify(c), inspect(c, { showHidden: true, depth: 10 })])
      expect(text).not.toContain(SECRET);
    expect(Object.keys(c)).not.toContain("chat");
  });
});
