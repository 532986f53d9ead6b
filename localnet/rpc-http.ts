import type { IncomingMessage, ServerResponse } from "node:http";
import { RpcError, stringifyJson } from "./json";
import { accountMethods } from "./rpc-accounts";
import { clusterMethods } from "./rpc-cluster";
import type { Handler, RpcContext } from "./rpc-context";
import { transactionMethods } from "./rpc-transactions";

const METHODS: Record<string, Handler> = { ...clusterMethods, ...accountMethods, ...transactionMethods };
const MAX_BODY = 5 * 1024 * 1024;

interface Request {
  jsonrpc?: unknown;
  id?: unknown;
  method?: unknown;
  params?: unknown;
}

const errorReply = (id: unknown, code: number, message: string, data?: unknown) => ({
  jsonrpc: "2.0",
  error: data === undefined ? { code, message } : { code, message, data },
  id: id ?? null,
});

export function createDispatcher(ctx: RpcContext) {
  const one = (req: Request): unknown => {
    if (!req || typeof req !== "object" || typeof req.method !== "string") {
      return errorReply(req?.id, -32600, "Invalid request");
    }
    const handler = Object.hasOwn(METHODS, req.method) ? METHODS[req.method] : undefined;
    if (!handler) return errorReply(req.id, -32601, "Method not found");
    const params = req.params ?? [];
    if (!Array.isArray(params)) return errorReply(req.id, -32602, "Invalid params: expected an array");
    try {
      return { jsonrpc: "2.0", result: handler(params, ctx), id: req.id ?? null };
    } catch (e) {
      if (e instanceof RpcError) return errorReply(req.id, e.code, e.message, e.data);
      ctx.log(`${req.method} failed: ${(e as Error).stack ?? String(e)}`);
      return errorReply(req.id, -32603, `Internal error: ${(e as Error).message}`);
    }
  };
  return (body: unknown): unknown => {
    if (Array.isArray(body)) {
      return body.length ? body.map((r) => one(r as Request)) : errorReply(null, -32600, "Invalid request");
    }
    return one(body as Request);
  };
}

function setCors(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("Access-Control-Allow-Origin", "*");
  res.setHeader("Access-Control-Allow-Methods", "POST, GET, OPTIONS");
  // Echo whatever the browser asks for; web3.js and kit send content-type plus solana-client.
  const requested = req.headers["access-control-request-headers"];
  res.setHeader("Access-Control-Allow-Headers", requested ?? "content-type, solana-client, accept");
  res.setHeader("Access-Control-Max-Age", "86400");
}

export function createHttpHandler(dispatch: (body: unknown) => unknown) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    setCors(req, res);
    if (req.method === "OPTIONS") {
      res.writeHead(204).end();
      return;
    }
    if (req.method === "GET") {
      const ok = req.url === "/health";
      res.writeHead(ok ? 200 : 405, { "content-type": "text/plain" }).end(ok ? "ok" : "Use POST for JSON-RPC");
      return;
    }
    if (req.method !== "POST") {
      res.writeHead(405).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY) {
        res.writeHead(413).end();
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on("end", () => {
      if (res.writableEnded) return;
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        body = undefined;
      }
      const reply = body === undefined ? errorReply(null, -32700, "Parse error") : dispatch(body);
      res.writeHead(200, { "content-type": "application/json" }).end(stringifyJson(reply));
    });
  };
}
