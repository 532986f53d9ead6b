// The production server's own decisions, without a build: which requests go straight to a route
// handler, what a handler that rejects answers, and which static headers it adds. e2e/api-edges
// checks the same server on a real build.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { INTERNAL_ERROR_MESSAGE } from "@/lib/errors";
import { requestListener, staticHeaders, type Post } from "./server";

const HEADERS = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "X-Frame-Options", value: "DENY" },
];

let server: http.Server | undefined;
let errors: ReturnType<typeof vi.spyOn>;
beforeEach(() => {
  errors = vi.spyOn(console, "error").mockImplementation(() => {});
});
afterEach(async () => {
  errors.mockRestore();
  await new Promise((r) => (server ? server.close(r) : r(undefined)));
  server = undefined;
});

async function serve(direct: Record<string, Post>, next: (res: http.ServerResponse) => Promise<void>) {
  const handle = (_req: http.IncomingMessage, res: http.ServerResponse) => next(res);
  server = http.createServer(requestListener(new Map(Object.entries(direct)), handle, HEADERS));
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", r));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const toNext = async (res: http.ServerResponse) => void res.writeHead(200, { "x-served-by": "next" }).end("next");

describe("scripts/server.ts request listener", () => {
  it("sends POSTs of the direct paths to their handler, query string and all, and the rest to Next", async () => {
    const seen: string[] = [];
    const url = await serve(
      {
        "/agent": async (req) => {
          seen.push(`${req.method} ${new URL(req.url).pathname}${new URL(req.url).search} ${await req.text()}`);
          return Response.json({ ok: true }, { headers: { "X-Frame-Options": "SAMEORIGIN" } });
        },
      },
      toNext,
    );
    const direct = await fetch(`${url}/agent?x=1`, { method: "POST", body: "hello" });
    expect(await direct.json()).toEqual({ ok: true });
    expect(seen).toEqual(["POST /agent?x=1 hello"]);
    // Static headers are added where the answer has none; the handler's own win.
    expect(direct.headers.get("x-content-type-options")).toBe("nosniff");
    expect(direct.headers.get("x-frame-options")).toBe("SAMEORIGIN");
    for (const [method, path] of [
      ["GET", "/agent"],
      ["POST", "/agent/more"],
      ["POST", "/v1/chat/completions"],
    ] as const) {
      const res = await fetch(`${url}${path}`, { method });
      expect(res.headers.get("x-served-by"), `${method} ${path}`).toBe("next");
    }
    expect(seen).toHaveLength(1);
  });

  it("answers the contract's internal_error when a direct handler rejects, and keeps serving", async () => {
    const url = await serve({ "/agent": () => Promise.reject(new Error("secret detail")) }, toNext);
    const res = await fetch(`${url}/agent`, { method: "POST", body: "{}" });
    expect(res.status).toBe(500);
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    const text = await res.text();
    expect(JSON.parse(text)).toEqual({ error: { code: "internal_error", message: INTERNAL_ERROR_MESSAGE } });
    expect(text).not.toContain("secret");
    expect(errors).toHaveBeenCalled();
    expect((await fetch(`${url}/`)).status).toBe(200);
  });

  it("answers 500 when Next's handler rejects before answering, and keeps serving", async () => {
    let calls = 0;
    const url = await serve({}, async (res) => {
      if (calls++ === 0) throw new Error("next failed");
      await toNext(res);
    });
    expect((await fetch(`${url}/dashboard`)).status).toBe(500);
    expect((await fetch(`${url}/dashboard`)).status).toBe(200);
  });

  it("cuts the connection when an answer's body fails after its headers were sent", async () => {
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(new TextEncoder().encode("data: 1\n\n"));
        setTimeout(() => c.error(new Error("upstream gone")), 20);
      },
    });
    const url = await serve({ "/agent": async () => new Response(body, { status: 200 }) }, toNext);
    const res = await fetch(`${url}/agent`, { method: "POST" });
    expect(res.status).toBe(200);
    await expect(res.text()).rejects.toThrow();
  });
});

describe("scripts/server.ts static headers", () => {
  it("takes next.config.mjs's one rule for every path", async () => {
    const headers = await staticHeaders();
    expect(headers.map((h) => h.key)).toEqual(
      expect.arrayContaining(["Content-Security-Policy", "X-Content-Type-Options", "Strict-Transport-Security"]),
    );
  });

  it.each([
    ["a rule for another path", [{ source: "/docs", headers: HEADERS }]],
    [
      "a second rule",
      [
        { source: "/:path*", headers: HEADERS },
        { source: "/api/:path*", headers: HEADERS },
      ],
    ],
  ])("refuses to start with %s, which it could not apply to the direct routes", async (_name, rules) => {
    await expect(staticHeaders({ headers: async () => rules })).rejects.toThrow(/applies one rule for \/:path\*/);
  });
});
