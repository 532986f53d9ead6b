import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serveRoutes } from "@/lib/test/serve";
import { testModel } from "@/lib/test/runtime";
import { SseParser } from "./sse-parser";
import { streamChat } from "./upstream-stream";
import * as r from "./openai-response";

// The answer types of the official `openai` package (ChatCompletion, ChatCompletionChunk),
// copied from its declarations since the package is not installed yet: the builders must be
// assignable to them, which tsc checks.
type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";
interface CompletionUsage {
  completion_tokens: number;
  prompt_tokens: number;
  total_tokens: number;
}
interface ChatCompletion {
  id: string;
  choices: {
    finish_reason: FinishReason;
    index: number;
    logprobs: { content: unknown[] | null } | null;
    message: { content: string | null; refusal: string | null; role: "assistant" };
  }[];
  created: number;
  model: string;
  object: "chat.completion";
  system_fingerprint?: string;
  usage?: CompletionUsage;
}
interface ChatCompletionChunk {
  id: string;
  choices: {
    delta: {
      content?: string | null;
      refusal?: string | null;
      role?: "developer" | "system" | "user" | "assistant" | "tool";
    };
    finish_reason: FinishReason | null;
    index: number;
    logprobs?: { content: unknown[] | null } | null;
  }[];
  created: number;
  model: string;
  object: "chat.completion.chunk";
  usage?: CompletionUsage | null;
}

const meta = r.completionMeta("gen_abc", "gpt-oss:20b", new Date("2026-12-04T10:00:00.900Z"));
const usage = { inputTokens: 12, outputTokens: 30, costMicro: 7n };

describe("OpenAI answer builders", () => {
  it("chat.completion: the contract's fields, assignable to the openai package's type", () => {
    const c: ChatCompletion = r.chatCompletion(meta, "hello", "stop", usage);
    expect(JSON.parse(JSON.stringify(c))).toEqual({
      id: "gen_abc",
      object: "chat.completion",
      created: 1796378400,
      model: "gpt-oss:20b",
      choices: [
        {
          index: 0,
          message: { role: "assistant", content: "hello", refusal: null },
          logprobs: null,
          finish_reason: "stop",
        },
      ],
      usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, cost_micro: 7 },
    });
  });

  it("chat.completion.chunk: role first, content, finish_reason, then choices [] with usage", () => {
    const chunks: ChatCompletionChunk[] = [
      r.completionChunk(meta, { role: "assistant", content: "" }),
      r.completionChunk(meta, { content: "hel" }),
      r.completionChunk(meta, {}, "length"),
      r.usageChunk(meta, usage),
    ];
    expect(chunks.map((c) => [c.object, c.id, c.created])).toEqual(
      Array(4).fill(["chat.completion.chunk", "gen_abc", 1796378400]),
    );
    expect(chunks[1]!.choices).toEqual([{ index: 0, delta: { content: "hel" }, logprobs: null, finish_reason: null }]);
    expect(chunks[2]!.choices[0]!.finish_reason).toBe("length");
    expect(chunks[3]).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 12, completion_tokens: 30, total_tokens: 42, cost_micro: 7 },
    });
  });

  it("maps upstream finish reasons to OpenAI's", () => {
    expect(["length", "stop", null, "eos", "content_filter"].map(r.finishReasonOf)).toEqual([
      "length",
      "stop",
      "stop",
      "stop",
      "content_filter",
    ]);
  });

  it("error types follow OpenAI's by status", () => {
    expect([400, 409, 413, 401, 402, 403, 404, 429, 500, 502, 503].map(r.openAiErrorType)).toEqual([
      "invalid_request_error",
      "invalid_request_error",
      "invalid_request_error",
      "authentication_error",
      "insufficient_quota",
      "permission_error",
      "not_found_error",
      "rate_limit_error",
      "api_error",
      "api_error",
      "api_error",
    ]);
  });

  it("SSE framing: data events, the error event, [DONE] and the keep-alive comment parse back", () => {
    const text =
      r.SSE_KEEP_ALIVE +
      r.sseData(r.completionChunk(meta, { content: "a\nb" })) +
      r.sseError("upstream_error", "gone") +
      r.SSE_DONE;
    const events = new SseParser().push(text);
    expect(events.map((e) => e.data)).toEqual([
      JSON.stringify(r.completionChunk(meta, { content: "a\nb" })),
      '{"error":{"code":"upstream_error","message":"gone"}}',
      "[DONE]",
    ]);
  });
});

async function readAll(body: ReadableStream<Uint8Array>) {
  return new Response(body).text();
}

describe("r.sseStream", () => {
  const model = testModel();

  it("writes what the producer yields and keep-alive comments while it is silent", async () => {
    const body = r.sseStream(
      async function* () {
        await new Promise((r) => setTimeout(r, 130));
        yield r.sseData({ n: 1 });
        yield r.SSE_DONE;
      },
      { keepAliveMs: 50 },
    );
    expect(await readAll(body)).toBe(`${r.SSE_KEEP_ALIVE}${r.SSE_KEEP_ALIVE}data: {"n":1}\n\n${r.SSE_DONE}`);
  });

  it("ends with an internal_error event when the producer throws", async () => {
    const body = r.sseStream(async function* () {
      yield r.sseData({ n: 1 });
      throw new Error("bug");
    });
    expect(await readAll(body)).toBe(
      `data: {"n":1}\n\n${r.sseError("internal_error", "Something went wrong on our side.")}`,
    );
  });

  it("a cancelled body (client gone) aborts the producer's signal and closes the upstream stream at once", async () => {
    const seen = model.closedStreams().length;
    const body = r.sseStream(async function* (signal) {
      for await (const delta of streamChat(
        {
          model: "gpt-oss:20b",
          messages: [{ role: "user", content: "[[token-delay:40]] cancel me soon please" }],
          max_tokens: 64,
        },
        { signal },
      ))
        yield r.sseData({ delta });
    });
    const reader = body.getReader();
    const first = new TextDecoder().decode((await reader.read()).value);
    expect(first).toBe('data: {"delta":"This"}\n\n');
    const t0 = performance.now();
    await reader.cancel();
    const closed = await model.waitForClose(seen + 1);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(closed.tokensSent).toBeLessThanOrEqual(8); // of 22: closed long before the end
  });
});

describe("a streamed answer over real HTTP (stand-in → streamChat → r.sseStream → client)", () => {
  const model = testModel({ APP_URL: "http://localhost:3000" });
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  const meta = r.completionMeta("gen_http", "gpt-oss:20b");
  beforeAll(async () => {
    const route = async (req: Request) => {
      const prompt = ((await req.json()) as { prompt: string }).prompt;
      const body = r.sseStream(
        async function* (signal) {
          yield r.sseData(r.completionChunk(meta, { role: "assistant", content: "" }));
          for await (const delta of streamChat(
            { model: "gpt-oss:20b", messages: [{ role: "user", content: prompt }], max_tokens: 64 },
            { signal },
          ))
            yield r.sseData(r.completionChunk(meta, { content: delta }));
          yield r.SSE_DONE;
        },
        { signal: req.signal, keepAliveMs: 30 },
      );
      return new Response(body, { headers: r.SSE_HEADERS });
    };
    server = await serveRoutes({ "/stream": { POST: route } });
  });
  afterAll(() => server.close());

  const open = (prompt: string, signal?: AbortSignal) =>
    fetch(`${server.url}/stream`, { method: "POST", body: JSON.stringify({ prompt }), signal });

  it("arrives chunk by chunk, with keep-alives while the model is silent", async () => {
    const res = await open("[[delay:100]] hi");
    expect(res.headers.get("content-type")).toBe(r.SSE_HEADERS["content-type"]);
    const text = await res.text();
    expect(text).toContain(r.SSE_KEEP_ALIVE);
    const deltas = new SseParser()
      .push(text)
      .filter((e) => e.data !== "[DONE]")
      .map((e) => JSON.parse(e.data).choices[0].delta.content);
    expect(deltas.join("")).toBe("This is the Solrouter stand-in model. You said: [[delay:100]] hi");
    expect(text.endsWith(r.SSE_DONE)).toBe(true);
  });

  it("a client that disconnects mid-stream closes the upstream request at once", async () => {
    const seen = model.closedStreams().length;
    const ctl = new AbortController();
    const res = await open("[[token-delay:50]] a long answer that the client abandons", ctl.signal);
    const reader = res.body!.getReader();
    let got = "";
    while (!got.includes('"content":"This"')) got += new TextDecoder().decode((await reader.read()).value);
    const t0 = performance.now();
    ctl.abort();
    const closed = await model.waitForClose(seen + 1);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(closed.tokensSent).toBeLessThanOrEqual(8); // of 27: closed long before the end
    expect(model.openStreams()).toBe(0);
  });
});
