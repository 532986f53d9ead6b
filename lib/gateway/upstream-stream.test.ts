import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { splitTokens } from "@/lib/test/mock-model";
import { testModel } from "@/lib/test/runtime";
import {
  estimateUsage,
  streamChat,
  UpstreamStreamError,
  type UpstreamChatRequest,
  type UpstreamStreamEnd,
} from "./upstream-stream";

const request = (content: string, max_tokens = 64): UpstreamChatRequest => ({
  model: "gpt-oss:20b",
  messages: [{ role: "user", content }],
  max_tokens,
});

/** Drains a stream: the deltas and the end, or the error. */
async function drain(gen: AsyncGenerator<string, UpstreamStreamEnd>) {
  const deltas: string[] = [];
  try {
    for (;;) {
      const next = await gen.next();
      if (next.done) return { deltas, end: next.value };
      deltas.push(next.value);
    }
  } catch (err) {
    return { deltas, error: err as UpstreamStreamError };
  }
}

/** What the stand-in answers without streaming: the reference the streamed answer must match. */
async function whole(url: string, content: string) {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    body: JSON.stringify({ model: "gpt-oss:20b", messages: [{ role: "user", content }], max_tokens: 64 }),
  });
  return (await res.json()) as {
    choices: { message: { content: string } }[];
    usage: { prompt_tokens: number; completion_tokens: number };
  };
}

describe("streamChat against the stand-in model server", () => {
  const model = testModel();

  it("yields the answer token by token and ends with the server's usage", async () => {
    const prompt = "stream me a few words please";
    const ref = await whole(model.url, prompt);
    const { deltas, end, error } = await drain(streamChat(request(prompt)));
    expect(error).toBeUndefined();
    expect(deltas).toEqual(splitTokens(ref.choices[0]!.message.content));
    expect(deltas.length).toBe(ref.usage.completion_tokens);
    expect(end).toEqual({
      output: ref.choices[0]!.message.content,
      usage: { inputTokens: ref.usage.prompt_tokens, outputTokens: ref.usage.completion_tokens },
      finishReason: "stop",
    });
  });

  it("a finished stream gives its connection back: consecutive streams share one keep-alive socket", async () => {
    // Warm the pool, then several complete streams in a row: none may open a new connection
    // (leaving the response iterator early used to destroy the socket after every stream).
    await drain(streamChat(request("warm the pool")));
    const before = model.connections();
    for (let i = 0; i < 4; i++) {
      const { error } = await drain(streamChat(request(`stream number ${i}`)));
      expect(error).toBeUndefined();
    }
    expect(model.connections()).toBe(before);
  });

  it("ends with usage null when the server reports none; the estimate counts what was streamed", async () => {
    const req = request("[[no-usage]] hello");
    const { deltas, end } = await drain(streamChat(req));
    expect(deltas.join("")).toContain("stand-in");
    expect(end).toMatchObject({ usage: null, finishReason: "stop" });
    expect(end!.output).toBe(deltas.join(""));
    // ASCII: one stand-in token is 4 characters, so the estimate equals its own count here.
    expect(estimateUsage(req, end!.output)).toEqual({
      inputTokens: Math.ceil(req.messages[0]!.content.length / 4),
      outputTokens: deltas.length,
    });
  });

  it("a failure before the first token is a not-started upstream_error", async () => {
    const { deltas, error } = await drain(streamChat(request("[[upstream-error]]")));
    expect(deltas).toEqual([]);
    expect(error).toBeInstanceOf(UpstreamStreamError);
    expect(isAppError(error) && error.code).toBe("upstream_error");
    expect(error).toMatchObject({ started: false, output: "", aborted: false });
    expect(error!.message).toMatch(/not charged/);
  });

  it("a connection dropped after some tokens is a started error carrying what was delivered", async () => {
    const { deltas, error } = await drain(streamChat(request("[[stream-error-after:3]] hello")));
    expect(deltas).toHaveLength(3);
    expect(error).toMatchObject({ started: true, aborted: false, output: deltas.join("") });
  });

  it("an unreachable server fails before the first token", async () => {
    const { error } = await drain(streamChat(request("hi"), { baseUrl: "http://127.0.0.1:9" }));
    expect(error).toMatchObject({ started: false, code: "upstream_error" });
  });

  it("aborting the signal mid-stream closes the upstream connection at once", async () => {
    const ctl = new AbortController();
    const gen = streamChat(request("[[token-delay:50]] a long enough answer to abort"), { signal: ctl.signal });
    const seen = model.closedStreams().length;
    const first = await gen.next();
    expect(first.done).toBe(false);
    const t0 = performance.now();
    ctl.abort();
    const { error } = await drain(gen);
    const closed = await model.waitForClose(seen + 1);
    expect(performance.now() - t0).toBeLessThan(500);
    expect(closed.tokensSent).toBeLessThan(
      splitTokens("This is the Solrouter stand-in model. You said: a long enough answer to abort").length / 2,
    );
    expect(error).toMatchObject({ started: true, aborted: true, output: first.value });
    expect(model.openStreams()).toBe(0);
  });

  it("stopping the iteration early (break) also closes the upstream connection", async () => {
    const seen = model.closedStreams().length;
    for await (const delta of streamChat(request("[[token-delay:30]] break out of this"))) {
      expect(delta).toBeTruthy();
      break;
    }
    const closed = await model.waitForClose(seen + 1);
    expect(closed.tokensSent).toBeLessThanOrEqual(8); // of 21: closed long before the end
  });

  it("an already aborted signal sends nothing", async () => {
    const calls = model.calls();
    const { error } = await drain(streamChat(request("hi"), { signal: AbortSignal.abort() }));
    expect(error).toMatchObject({ started: false, aborted: true });
    expect(model.calls()).toBe(calls);
  });

  it("an upstream that goes silent longer than the idle timeout fails", async () => {
    const { deltas, error } = await drain(streamChat(request("[[token-delay:400]] slow"), { idleTimeoutMs: 100 }));
    expect(deltas).toEqual([]);
    expect(error).toMatchObject({ started: false, aborted: false });
    expect(error!.message).toMatch(/stopped answering|too long/);
  });
});

describe("streamChat against odd servers", () => {
  let server: http.Server;
  let url: string;
  const replies: Record<string, (res: http.ServerResponse) => void> = {
    // CRLF line ends, comments, each event split in two writes, usage in its own chunk.
    "/odd/v1/chat/completions": (res) => {
      res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8" });
      const events = [
        ": ping\r\n\r\n",
        'data: {"choices":[{"delta":{"role":"assistant"}}]}\r\n\r\n',
        'data: {"choices":[{"delta":{"content":"héllo"}}]}\r\n\r\n',
        'data: {"choices":[{"delta":{"content":" world"},"finish_reason":"length"}]}\r\n\r\n',
        'data: {"choices":[],"usage":{"prompt_tokens":5,"completion_tokens":2}}\r\n\r\n',
        "data: [DONE]\r\n\r\n",
      ];
      const bytes = Buffer.from(events.join(""));
      let i = 0;
      const step = () => {
        if (i >= bytes.length) return void res.end();
        res.write(bytes.subarray(i, i + 7));
        i += 7;
        setImmediate(step);
      };
      step();
    },
    // Ignores stream: true and answers one JSON completion.
    "/json/v1/chat/completions": (res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          choices: [{ message: { content: "whole" }, finish_reason: "stop" }],
          usage: { prompt_tokens: 1, completion_tokens: 1 },
        }),
      );
    },
    // Ends without [DONE].
    "/short/v1/chat/completions": (res) => {
      res.writeHead(200, { "content-type": "text/event-stream" });
      res.end('data: {"choices":[{"delta":{"content":"cut"}}]}\n\n');
    },
  };
  beforeAll(async () => {
    server = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        const reply = replies[req.url ?? ""];
        if (reply) reply(res);
        else res.writeHead(404).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))));

  it("parses a stream cut at arbitrary bytes, with CRLF and comments", async () => {
    const { deltas, end } = await drain(streamChat(request("x"), { baseUrl: `${url}/odd` }));
    expect(deltas).toEqual(["héllo", " world"]);
    expect(end).toEqual({ output: "héllo world", usage: { inputTokens: 5, outputTokens: 2 }, finishReason: "length" });
  });

  it("accepts a server that answers without streaming", async () => {
    const { deltas, end } = await drain(streamChat(request("x"), { baseUrl: `${url}/json` }));
    expect(deltas).toEqual(["whole"]);
    expect(end).toEqual({ output: "whole", usage: { inputTokens: 1, outputTokens: 1 }, finishReason: "stop" });
  });

  it("a stream that ends without [DONE] is a started failure", async () => {
    const { deltas, error } = await drain(streamChat(request("x"), { baseUrl: `${url}/short` }));
    expect(deltas).toEqual(["cut"]);
    expect(error).toMatchObject({ started: true, output: "cut", aborted: false });
  });
});
