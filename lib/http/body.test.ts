import { afterAll, beforeAll, describe, expect, it } from "vitest";
import http from "node:http";
import { overrideEnv } from "@/lib/env";
import { serveRoutes } from "@/lib/test/serve";
import { BODY_LIMITS } from "./body";
import { POST as agentRoute } from "@/app/agent/route";
import { POST as verifyRoute } from "@/app/api/auth/verify/route";

const MB = 1024 * 1024;
const ORIGIN = "http://localhost:3000";

interface Upload {
  status: number;
  json: { error?: { code: string; message: string } } | undefined;
  headers: http.IncomingHttpHeaders;
  /** Bytes the client had handed to the socket when the answer arrived. */
  sent: number;
}

/** A real HTTP upload of `total` bytes of JSON whitespace: chunked unless a length is declared. */
function upload(base: string, path: string, total: number, opts: { declareLength?: boolean } = {}): Promise<Upload> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { "content-type": "application/json", origin: ORIGIN };
    if (opts.declareLength) headers["content-length"] = total;
    const req = http.request(`${base}${path}`, { method: "POST", headers });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    let sent = 0;
    let answered = false;
    req.on("response", (res) => {
      answered = true;
      const at = sent;
      const parts: Buffer[] = [];
      res.on("data", (c: Buffer) => parts.push(c));
      res.on("end", () => {
        req.destroy();
        const text = Buffer.concat(parts).toString();
        resolve({ status: res.statusCode!, json: text ? JSON.parse(text) : undefined, headers: res.headers, sent: at });
      });
    });
    // Once the server has answered and closed, the rest of the upload fails to write: expected.
    req.on("error", (err) => (answered ? undefined : reject(err)));
    const pump = () => {
      while (!answered && sent < total) {
        const n = Math.min(chunk.length, total - sent);
        sent += n;
        if (!req.write(n === chunk.length ? chunk : chunk.subarray(0, n))) return void req.once("drain", pump);
      }
      if (!answered) req.end();
    };
    pump();
  });
}

/** Runs `fn` while sampling this process's RSS; returns its result and the peak growth. */
async function peakRssGrowth<T>(fn: () => Promise<T>): Promise<{ result: T; growth: number }> {
  global.gc?.();
  const before = process.memoryUsage().rss;
  let peak = before;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);
  try {
    const result = await fn();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, growth: peak - before };
  } finally {
    clearInterval(timer);
  }
}

describe("request bodies are bounded while they stream in", () => {
  let server: Awaited<ReturnType<typeof serveRoutes>>;
  beforeAll(async () => {
    overrideEnv({ APP_URL: ORIGIN, SOLANA_CLUSTER: "localnet", LOG_LEVEL: "silent" });
    server = await serveRoutes({ "/agent": { POST: agentRoute }, "/api/auth/verify": { POST: verifyRoute } });
  });
  afterAll(async () => {
    await server?.close();
  });

  // Without credentials /agent used to read the whole body to find the model; readJson (every
  // dashboard route and the keyed /agent) read it all when no Content-Length was declared.
  it.each([
    ["/agent without credentials", "/agent", BODY_LIMITS.agent],
    ["/api/auth/verify (readJson)", "/api/auth/verify", BODY_LIMITS.json],
  ])("refuses a 200 MB chunked upload to %s with 413 after reading about the limit", async (_name, path, limit) => {
    const { result, growth } = await peakRssGrowth(() => upload(server.url, path, 200 * MB));
    expect(result.status).toBe(413);
    expect(result.json?.error?.code).toBe("payload_too_large");
    // What the client pushed before the answer: the limit plus socket buffers, not the upload.
    expect(result.sent).toBeLessThan(limit + 16 * MB);
    expect(growth).toBeLessThan(64 * MB);
    expect(result.headers.connection).toBe("close");
  });

  it("refuses a declared length over the limit before reading the body", async () => {
    const res = await upload(server.url, "/api/auth/verify", 600 * MB, { declareLength: true });
    expect(res.status).toBe(413);
    expect(res.json?.error?.code).toBe("payload_too_large");
    expect(res.sent).toBeLessThan(16 * MB);
  });

  it("answers a body that breaks off mid-upload with 400, not a 500", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode('{"output":'));
        c.error(new Error("aborted"));
      },
    });
    const req = new Request(`${ORIGIN}/api/auth/verify`, {
      method: "POST",
      body,
      duplex: "half",
      headers: { origin: ORIGIN },
    } as RequestInit);
    const res = await verifyRoute(req, { params: Promise.resolve({}) });
    expect(res.status).toBe(400);
  });

  it("still reads bodies under the limit, chunked or not", async () => {
    const small = await upload(server.url, "/agent", 1000);
    // Whitespace only is not JSON: without credentials the answer is the price list.
    expect(small.status).toBe(402);
    const verify = await upload(server.url, "/api/auth/verify", 1000);
    expect(verify.status).toBe(400);
    expect(verify.json?.error?.code).toBe("invalid_request");
  });
});
