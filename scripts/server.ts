// The production server (`npm start`): Next's request handler for every page and route, except
// the two metered calls — POST /agent and POST /v1/chat/completions — which go straight to their
// route handlers, as Next compiled them, without Next's router and request adapters.
//
// Why: measured with the bench's 32 clients (lib/gateway/README.md, "Serving the metered calls"),
// Next's routing costs more per call than all of our metering; Next answering an empty route is
// slower than Portkey's whole pass-through. What the handlers see is the same: a web Request with
// the client's socket address captured at the "request" event (lib/http/peer.ts), the route
// wrapper resolving the caller and answering every error in the contract's shape. What Next adds
// to these two answers is added here too: the static headers of next.config.mjs. The handlers are
// the ones in the build (one copy of lib/, one runtime), loaded through the route module Next
// itself uses, so a build without them fails here at start, not on the first call.
import http from "node:http";
import { createRequire } from "node:module";
import path from "node:path";
import next from "next";
import nextConfig from "../next.config.mjs";
import { internalErrorResponse, sendWebResponse, toWebRequest } from "../lib/http/node-bridge";

export type Post = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Header = { key: string; value: string };
type NextHandler = (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void>;

/** Paths answered directly for POST, and their compiled route module under .next/server. */
const DIRECT: Record<string, string> = {
  "/agent": "app/agent/route.js",
  "/v1/chat/completions": "app/v1/chat/completions/route.js",
};

/** The POST handlers of DIRECT, taken from the build's route modules. */
async function directRoutes(serverDir: string): Promise<Map<string, Post>> {
  const require = createRequire(import.meta.url);
  const routes = new Map<string, Post>();
  for (const [pathname, file] of Object.entries(DIRECT)) {
    const mod = require(path.join(serverDir, file)) as {
      routeModule?: { ensureUserland?: () => Promise<void>; userland?: { POST?: Post } };
    };
    await mod.routeModule?.ensureUserland?.();
    const post = mod.routeModule?.userland?.POST;
    if (typeof post !== "function") throw new Error(`${file} in the build has no POST handler Next would serve`);
    routes.set(pathname, post);
  }
  return routes;
}

/** next.config.mjs's headers for every path ("/:path*"): the only rule it has, checked here. */
export async function staticHeaders(config: Pick<typeof nextConfig, "headers"> = nextConfig): Promise<Header[]> {
  const rules = (await config.headers?.()) ?? [];
  if (rules.length !== 1 || rules[0]?.source !== "/:path*")
    throw new Error("next.config.mjs headers(): scripts/server.ts applies one rule for /:path* to the direct routes");
  return rules[0].headers as Header[];
}

/** Direct routes for their POSTs, Next for everything else; a handler that rejects answers 500
 * (the contract's internal_error on a direct route) instead of ending the process, which is
 * Node's default for an unhandled rejection. */
export function requestListener(
  direct: Map<string, Post>,
  handle: NextHandler,
  headers: Header[],
): http.RequestListener {
  const failed = (res: http.ServerResponse) => (err: unknown) => {
    console.error("unhandled error serving a request", err);
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  };
  return (req, res) => {
    const post = req.method === "POST" ? direct.get((req.url ?? "/").split("?", 1)[0]!) : undefined;
    if (!post) return void handle(req, res).catch(failed(res));
    const request = toWebRequest(req, res);
    void post(request, { params: Promise.resolve({}) })
      .catch((err: unknown) => {
        console.error("unhandled error in a direct route", err);
        return internalErrorResponse();
      })
      .then((response) => sendWebResponse(response, request, res, headers))
      .catch(failed(res));
  };
}

export async function startServer(opts: { port: number; hostname?: string }): Promise<http.Server> {
  const dir = process.cwd();
  const app = next({ dev: false, dir, port: opts.port, hostname: opts.hostname });
  await app.prepare();
  const direct = await directRoutes(path.join(dir, nextConfig.distDir ?? ".next", "server"));
  const server = http.createServer(requestListener(direct, app.getRequestHandler(), await staticHeaders()));
  await new Promise<void>((resolve) => server.listen(opts.port, opts.hostname, resolve));
  return server;
}
