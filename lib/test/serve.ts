import http from "node:http";
import type { AddressInfo } from "node:net";

type Handler = (req: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

/**
 * Serves route handlers over real HTTP (as Next does, minus the framework) so HTTP clients such as
 * the SDK can be tested against the server's own code.
 */
export async function serveRoutes(routes: Record<string, Partial<Record<string, Handler>>>) {
  const server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    const handler = routes[url.pathname]?.[req.method ?? "GET"];
    if (!handler) {
      res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"Not found."}}');
      return;
    }
    const headers = new Headers();
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
    const body = chunks.length && req.method !== "GET" ? Buffer.concat(chunks) : undefined;
    const response = await handler(new Request(url, { method: req.method, headers, body }), { params: Promise.resolve({}) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise<void>((r) => server.close(() => r())) };
}
