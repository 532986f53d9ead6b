import http from "node:http";
import type { AddressInfo } from "node:net";
import { internalErrorResponse, sendWebResponse, toWebRequest } from "@/lib/http/node-bridge";

type Handler = (req: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * Serves route handlers over real HTTP as the production server does, minus the framework
 * (requests and answers bridged by lib/http/node-bridge.ts, as for the metered calls there).
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
    const request = toWebRequest(req, res);
    const response = await handler(request, { params: Promise.resolve(params) }).catch((err: unknown) => {
      // The route wrappers answer every error themselves; anything else is a bug, answered as Next would.
      console.error("serveRoutes: unhandled", err);
      return internalErrorResponse();
    });
    sendWebResponse(response, request, res);
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
