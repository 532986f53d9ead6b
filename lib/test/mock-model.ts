// STAND-IN model server for development and tests (the CLI is scripts/mock-model.ts): an
// OpenAI-compatible /v1/chat/completions with deterministic output and token counts, streamed
// (SSE, one token per chunk) or not. No model can run here; production points UPSTREAM_URL at
// Ollama, vLLM or llama.cpp.
//
// Test hooks a prompt can carry: [[upstream-error]] (500 before anything), [[delay:MS]] (wait
// before answering), [[token-delay:MS]] (wait between streamed tokens), [[stream-error-after:N]]
// (drop the connection after N streamed tokens), [[no-usage]] (never report usage).
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface MockModelOptions {
  /** Default wait between streamed tokens, in ms; a prompt's [[token-delay:MS]] overrides it. */
  tokenDelayMs?: number;
}

/** A stream the client closed before its end: how many tokens it had been sent by then. */
export interface ClosedStream {
  tokensSent: number;
  at: number;
}

export interface MockModel {
  url: string;
  calls: () => number;
  /** Streams the client closed before the end (the upstream request was aborted). */
  closedStreams: () => readonly ClosedStream[];
  /** Resolves at the next client close mid-stream (or at once if `count` closes were seen). */
  waitForClose: (count?: number, timeoutMs?: number) => Promise<ClosedStream>;
  /** Streams being written right now. */
  openStreams: () => number;
  /** TCP connections accepted so far (a client that keeps its connections alive opens few). */
  connections: () => number;
  close: () => Promise<void>;
}

type Content = string | { type?: string; text?: string }[] | null | undefined;
interface Body {
  model?: string;
  messages?: { content?: Content }[];
  max_tokens?: number;
  max_completion_tokens?: number;
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
}

const TOKEN_CHARS = 4;
const tokens = (s: string) => Math.max(1, Math.ceil(s.length / TOKEN_CHARS));
const text = (c: Content) => (typeof c === "string" ? c : Array.isArray(c) ? c.map((p) => p?.text ?? "").join("") : "");
const hook = (prompt: string, name: string) => {
  const m = new RegExp(`\\[\\[${name}:(\\d+)\\]\\]`).exec(prompt);
  return m ? Number(m[1]) : undefined;
};

function complete(body: Body) {
  const prompt = (body.messages ?? []).map((m) => text(m.content)).join("\n");
  const max = Math.max(1, Math.min(body.max_completion_tokens ?? body.max_tokens ?? 256, 4096));
  const words = prompt.split(/\s+/).filter(Boolean).slice(0, 24).join(" ");
  let output = `This is the Solrouter stand-in model. You said: ${words}`;
  if (tokens(output) > max) output = output.slice(0, max * TOKEN_CHARS);
  return { prompt, output, usage: { prompt_tokens: tokens(prompt), completion_tokens: tokens(output) } };
}

/** The output cut into its tokens (TOKEN_CHARS characters each), so chunks = completion_tokens. */
export function splitTokens(output: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < output.length; i += TOKEN_CHARS) out.push(output.slice(i, i + TOKEN_CHARS));
  return out.length ? out : [""];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function startMockModel(port = 0, opts: MockModelOptions = {}): Promise<MockModel> {
  let count = 0;
  let open = 0;
  const closed: ClosedStream[] = [];
  const waiters: (() => void)[] = [];

  async function stream(
    res: http.ServerResponse,
    body: Body,
    prompt: string,
    output: string,
    usage: { prompt_tokens: number; completion_tokens: number },
  ) {
    const id = `chatcmpl-${count}`;
    const created = Math.floor(Date.now() / 1000);
    const delay = Math.min(hook(prompt, "token-delay") ?? opts.tokenDelayMs ?? 0, 60_000);
    const failAfter = hook(prompt, "stream-error-after");
    const withUsage = body.stream_options?.include_usage === true && !prompt.includes("[[no-usage]]");
    let sent = 0;
    let ended = false;
    open++;
    res.on("close", () => {
      open--;
      if (ended) return;
      closed.push({ tokensSent: sent, at: Date.now() });
      for (const w of waiters.splice(0)) w();
    });
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) =>
      `data: ${JSON.stringify({ id, object: "chat.completion.chunk", created, model: body.model, choices, ...extra })}\n\n`;
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.write(chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }]));
    for (const piece of splitTokens(output)) {
      if (delay) await sleep(delay);
      if (res.destroyed) return;
      if (failAfter !== undefined && sent >= failAfter) {
        ended = true; // the stand-in's own failure, not a client's close
        // Let what was written reach the client first, then drop the connection.
        return void res.write("", () => res.destroy());
      }
      res.write(chunk([{ index: 0, delta: { content: piece }, finish_reason: null }]));
      sent++;
    }
    if (res.destroyed) return;
    res.write(chunk([{ index: 0, delta: {}, finish_reason: "stop" }]));
    if (withUsage)
      res.write(chunk([], { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }));
    ended = true;
    res.end("data: [DONE]\n\n");
  }

  const server = http.createServer((req, res) => {
    if (req.method === "GET" && req.url === "/v1/models") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ object: "list", data: [{ id: "gpt-oss:20b" }, { id: "gpt-oss:120b" }] }));
      return;
    }
    if (req.method !== "POST" || req.url !== "/v1/chat/completions") {
      res.writeHead(404).end();
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      count++;
      let body: Body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end('{"error":{"message":"bad json"}}');
        return;
      }
      const { prompt, output, usage } = complete(body);
      // Test hooks: a prompt can ask the stand-in to fail or to be slow.
      if (prompt.includes("[[upstream-error]]")) {
        res.writeHead(500, { "content-type": "application/json" }).end('{"error":{"message":"stand-in failure"}}');
        return;
      }
      const delay = hook(prompt, "delay") ?? 0;
      setTimeout(
        () => {
          if (res.destroyed) return;
          if (body.stream === true) return void stream(res, body, prompt, output, usage).catch(() => res.destroy());
          res.writeHead(200, { "content-type": "application/json" });
          res.end(
            JSON.stringify({
              id: `chatcmpl-${count}`,
              object: "chat.completion",
              created: Math.floor(Date.now() / 1000),
              model: body.model,
              choices: [{ index: 0, message: { role: "assistant", content: output }, finish_reason: "stop" }],
              ...(prompt.includes("[[no-usage]]")
                ? {}
                : { usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens } }),
            }),
          );
        },
        Math.min(delay, 120_000),
      );
    });
  });
  server.keepAliveTimeout = 60_000;
  let connections = 0;
  server.on("connection", () => connections++);

  const waitForClose = (n = closed.length + 1, timeoutMs = 5_000) =>
    new Promise<ClosedStream>((resolve, reject) => {
      const check = () => {
        if (closed.length < n) return false;
        clearTimeout(timer);
        resolve(closed[n - 1]!);
        return true;
      };
      const timer = setTimeout(
        () => reject(new Error(`the stand-in saw ${closed.length} closed streams, not ${n}`)),
        timeoutMs,
      );
      const wait = () => {
        if (!check()) waiters.push(wait);
      };
      wait();
    });

  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        err.code === "EADDRINUSE"
          ? new Error(`Port ${port} for the stand-in model server is in use; set MODEL_PORT to a free port.`)
          : err,
      ),
    );
    server.listen(port, "127.0.0.1", () => {
      const { port: p } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${p}`,
        calls: () => count,
        closedStreams: () => closed,
        waitForClose,
        openStreams: () => open,
        connections: () => connections,
        close: () =>
          new Promise<void>((r) => {
            server.closeAllConnections();
            server.close(() => r());
          }),
      });
    });
  });
}
