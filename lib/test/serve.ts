import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

type Handler = (req: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * Serves route handlers over real HTTP as `next start` does, minus the framework: the request
 * body is handed over as a stream (never buffered here, so body limits are tested for real),
 * the answer is streamed back, and a body that errors mid-way destroys the socket as Next's
 * pipeToNodeResponse does.
 */
export async function serveRoutes(
  routes: Record<string, Partial<Record<string, Handler>>>,
  opts: { port?: number } = {},
) {
  // Keys are paths as in app/: "/api/topups/[id]/confirm" matches any id and passes it as params.id.
  const patterns = Object.entries(routes).map(([p, methods]) => ({
    re: new RegExp(`^${p.replace(/\[(\w+)\]/g, "(?<$1>[^/]+)")}$`),
    methods,
  }));
  const find = (pathname: string, method: string) => {
    for (const { re, methods } of patterns) {
      const m = re.exec(pathname);
      if (m) return { handler: methods[method], params: { ...m.groups } };
    }
    return { handler: undefined, params: {} };
  };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const { handler, params } = find(url.pathname, req.method ?? "GET");
    if (!handler) {
      res
        .writeHead(404, { "content-type": "application/json" })
        .end('{"error":{"code":"not_found","message":"Not found."}}');
      return;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    // Next passes the IncomingMessage itself to undici as the body, read lazily.
    // As Next does: a client that goes away aborts request.signal and cancels the answer's body.
    const gone = new AbortController();
    res.on("close", () => !res.writableFinished && gone.abort());
    const init = {
      method: req.method,
      headers,
      body: hasBody ? (req as unknown as ReadableStream) : undefined,
      duplex: "half",
      signal: gone.signal,
    } as RequestInit;
    const response = await handler(new Request(url, init), { params: Promise.resolve(params) }).catch(
      (err: unknown) => {
        // The route wrappers answer every error themselves; anything else is a bug, answered as Next would.
        console.error("serveRoutes: unhandled", err);
        return new Response('{"error":{"code":"internal","message":"Internal error."}}', {
          status: 500,
          headers: { "content-type": "application/json" },
        });
      },
    );
    const out: Record<string, string | string[]> = Object.fromEntries(response.headers);
    if (response.headers.getSetCookie().length) out["set-cookie"] = response.headers.getSetCookie();
    res.writeHead(response.status, out);
    if (!response.body) return void res.end();
    const body = Readable.fromWeb(response.body as import("node:stream/web").ReadableStream);
    body.on("error", (err) => res.destroy(err)).pipe(res);
    gone.signal.addEventListener("abort", () => body.destroy(), { once: true });
  });
  await new Promise<void>((r) => server.listen(opts.port ?? 0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
