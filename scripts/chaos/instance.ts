// One gateway instance for the chaos suite: the real route handlers and the real background jobs
// (hold heartbeat and sweeper, deposit reconciler) in their own OS process, so SIGSTOP and SIGKILL
// are real. Configuration comes from the environment like the server's (PORT, DATABASE_URL or
// DATA_DIR, SOLANA_RPC_URL, UPSTREAM_URL, APP_URL, HOLD_*_MS). Run with --conditions=react-server.
import http from "node:http";
import { Readable } from "node:stream";
import { env } from "@/lib/env";
import { boot } from "@/lib/boot";
import * as agent from "@/app/agent/route";
import * as challenge from "@/app/api/auth/challenge/route";
import * as verify from "@/app/api/auth/verify/route";
import * as me from "@/app/api/me/route";
import * as keys from "@/app/api/keys/route";
import * as topups from "@/app/api/topups/route";
import * as confirm from "@/app/api/topups/[id]/confirm/route";
import * as health from "@/app/api/health/route";

type Handler = (req: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Module = Partial<Record<string, Handler>>;

const routes: [RegExp, Module][] = [
  [/^\/agent$/, agent as unknown as Module],
  [/^\/api\/auth\/challenge$/, challenge as unknown as Module],
  [/^\/api\/auth\/verify$/, verify as unknown as Module],
  [/^\/api\/me$/, me as unknown as Module],
  [/^\/api\/keys$/, keys as unknown as Module],
  [/^\/api\/topups$/, topups as unknown as Module],
  [/^\/api\/topups\/(?<id>[^/]+)\/confirm$/, confirm as unknown as Module],
  [/^\/api\/health$/, health as unknown as Module],
];

await boot();

const server = http.createServer(async (req, res) => {
  try {
    const url = new URL(req.url ?? "/", env().APP_URL);
    let handler: Handler | undefined;
    let params: Record<string, string> = {};
    for (const [re, mod] of routes) {
      const m = re.exec(url.pathname);
      if (m) {
        handler = mod[req.method ?? "GET"];
        params = { ...m.groups };
        break;
      }
    }
    if (!handler) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"Not found."}}');
      return;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    // The request body streams into the handler, as Next passes it.
    const body = hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined;
    const request = new Request(url, { method: req.method, headers, body, duplex: "half" } as RequestInit);
    const response = await handler(request, { params: Promise.resolve(params) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    res.end();
  } catch (err) {
    console.error("instance: unhandled", err);
    if (!res.headersSent) res.writeHead(500, { "content-type": "application/json" });
    res.end('{"error":{"code":"internal","message":"Internal error."}}');
  }
});

server.listen(env().PORT, "127.0.0.1", () => console.log(`instance ready on ${env().PORT}`));
