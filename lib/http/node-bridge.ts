import type http from "node:http";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebStream } from "node:stream/web";
// Relative, not "@/": the production server script loads this file outside Next's bundler.
import { ERROR_STATUS, INTERNAL_ERROR_MESSAGE } from "../errors";

// Node's http request and response ↔ the web Request and Response of a route handler, the way
// Next's own server bridges them: the body is handed over as a stream (never buffered here, so
// the handlers' body limits hold), the answer is streamed back, a client that goes away aborts
// request.signal and cancels the answer's body, and a body that errors mid-way destroys the
// socket. Used by the production server for the metered calls (scripts/server.ts) and by the
// tests' servers (lib/test/serve.ts). No "server-only" mark: the production server script loads
// it outside Next's bundler.

/** The handler's view of a request; its signal aborts when the client disconnects before the answer ends. */
export function toWebRequest(req: http.IncomingMessage, res: http.ServerResponse): Request {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) {
    if (typeof v === "string") headers.set(k, v);
    else if (Array.isArray(v)) for (const one of v) headers.append(k, one);
  }
  const gone = new AbortController();
  res.on("close", () => !res.writableFinished && gone.abort());
  const hasBody = req.method !== "GET" && req.method !== "HEAD";
  return new Request(url, {
    method: req.method,
    headers,
    // As Next does: the IncomingMessage itself is the body, read lazily.
    body: hasBody ? (req as unknown as ReadableStream) : undefined,
    duplex: "half",
    signal: gone.signal,
  } as RequestInit);
}

/** Writes `response` to `res`, streaming its body; `extra` headers are added where the answer has none. */
export function sendWebResponse(
  response: Response,
  req: Request,
  res: http.ServerResponse,
  extra: readonly { key: string; value: string }[] = [],
): void {
  const out: Record<string, string | string[]> = Object.fromEntries(response.headers);
  const cookies = response.headers.getSetCookie();
  if (cookies.length) out["set-cookie"] = cookies;
  for (const { key, value } of extra) if (!response.headers.has(key)) out[key.toLowerCase()] = value;
  res.writeHead(response.status, out);
  if (!response.body) return void res.end();
  const body = Readable.fromWeb(response.body as NodeWebStream);
  body.on("error", (err) => res.destroy(err)).pipe(res);
  req.signal.addEventListener("abort", () => body.destroy(), { once: true });
}

/** The answer to a handler that threw instead of answering (the route wrappers answer every
 * error): the same contract error errorToResponse gives an unknown error. */
export function internalErrorResponse(): Response {
  const code = "internal_error";
  return Response.json({ error: { code, message: INTERNAL_ERROR_MESSAGE } }, { status: ERROR_STATUS[code] });
}
