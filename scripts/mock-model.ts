// STAND-IN model server for development and tests: an OpenAI-compatible /v1/chat/completions
// with deterministic output and token counts. No model can run here; production points
// UPSTREAM_URL at Ollama, vLLM or llama.cpp.
import http from "node:http";
import type { AddressInfo } from "node:net";

export interface MockModel {
  url: string;
  calls: () => number;
  close: () => Promise<void>;
}

const tokens = (s: string) => Math.max(1, Math.ceil(s.length / 4));

function complete(body: { model?: string; messages?: { content?: string }[]; max_tokens?: number }) {
  const prompt = (body.messages ?? []).map((m) => m.content ?? "").join("\n");
  const max = Math.max(1, Math.min(body.max_tokens ?? 256, 4096));
  const words = prompt.split(/\s+/).filter(Boolean).slice(0, 24).join(" ");
  let output = `This is the Solrouter stand-in model. You said: ${words}`;
  if (tokens(output) > max) output = output.slice(0, max * 4);
  return { prompt, output, usage: { prompt_tokens: tokens(prompt), completion_tokens: tokens(output) } };
}

export function startMockModel(port = 0): Promise<MockModel> {
  let count = 0;
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
      let body: Parameters<typeof complete>[0];
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
      const delay = Number(/\[\[delay:(\d+)\]\]/.exec(prompt)?.[1] ?? 0);
      setTimeout(() => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            id: `chatcmpl-${count}`,
            object: "chat.completion",
            created: Math.floor(Date.now() / 1000),
            model: body.model,
            choices: [{ index: 0, message: { role: "assistant", content: output }, finish_reason: "stop" }],
            usage: { ...usage, total_tokens: usage.prompt_tokens + usage.completion_tokens },
          }),
        );
      }, Math.min(delay, 120_000));
    });
  });
  server.keepAliveTimeout = 60_000;
  return new Promise((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(err.code === "EADDRINUSE" ? new Error(`Port ${port} for the stand-in model server is in use; set MODEL_PORT to a free port.`) : err),
    );
    server.listen(port, "127.0.0.1", () => {
      const { port: p } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${p}`,
        calls: () => count,
        close: () => new Promise<void>((r) => server.close(() => r())),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const port = Number(process.argv[2] ?? 11434);
  startMockModel(port).then((m) => console.log(JSON.stringify({ upstreamUrl: m.url, standIn: true })));
}
