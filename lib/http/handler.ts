import "server-only";
import type { Logger } from "pino";
import type { z } from "zod";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { AppError } from "@/lib/errors";
import { findSession, sessionToken, type SessionAccount } from "@/lib/auth/session";
import { randomToken } from "@/lib/crypto/random";
import { errorToResponse, describeZod } from "./errors";
import { BODY_LIMITS, readBodyText } from "./body";
import { resolveAgentCaller, type AgentCaller } from "./agent-caller";

type Params = Record<string, string | string[] | undefined>;

interface BaseCtx {
  requestId: string;
  log: Logger;
  params: Params;
}
export type PublicCtx = BaseCtx;
export type SessionCtx = BaseCtx & { session: SessionAccount };
export type AgentCtx = BaseCtx & { caller: AgentCaller };

type RouteFn = (req: Request, route: { params: Promise<Params> }) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Cookie-authenticated state changes must come from our own pages (CSRF). */
function checkOrigin(req: Request) {
  if (SAFE_METHODS.has(req.method)) return;
  if (req.headers.get("origin") !== env().appOrigin) {
    throw new AppError("bad_origin", "This request must come from the Solrouter dashboard.");
  }
}

function wrap<C extends BaseCtx>(resolve: (req: Request, base: BaseCtx) => Promise<C>, fn: (req: Request, ctx: C) => Promise<Response>): RouteFn {
  return async (req, route) => {
    const requestId = req.headers.get("x-request-id")?.slice(0, 64) || randomToken(9);
    const started = performance.now();
    const log = logger().child({ reqId: requestId });
    let res: Response;
    try {
      const params = route?.params ? await route.params : {};
      res = await fn(req, await resolve(req, { requestId, log, params }));
    } catch (err) {
      res = errorToResponse(err, log);
    }
    res.headers.set("x-request-id", requestId);
    // One access line per request; headers (cookies, Authorization, payments) are never logged.
    log[res.status >= 500 ? "warn" : "info"]({ method: req.method, path: new URL(req.url).pathname, status: res.status, ms: Math.round(performance.now() - started) }, "request");
    return res;
  };
}

/** A route anyone may call; state-changing ones still need our Origin (e.g. sign-in). */
export function publicRoute(fn: (req: Request, ctx: PublicCtx) => Promise<Response>, opts: { checkOrigin?: boolean } = {}): RouteFn {
  return wrap(async (req, base) => {
    if (opts.checkOrigin !== false) checkOrigin(req);
    return base;
  }, fn);
}

/** A dashboard route: needs a valid session cookie and, for state changes, our Origin. */
export function sessionRoute(fn: (req: Request, ctx: SessionCtx) => Promise<Response>): RouteFn {
  return wrap(async (req, base) => {
    checkOrigin(req);
    const session = await findSession(sessionToken(req.headers.get("cookie")));
    if (!session) throw new AppError("unauthenticated", "Sign in with your wallet first.");
    return { ...base, session };
  }, fn);
}

// The API is called from servers and from browsers (agents in web apps): it answers any origin
// and lets browsers read the x402 headers.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers": "PAYMENT-REQUIRED, PAYMENT-RESPONSE, Retry-After, x-request-id",
};

function withCors(route: RouteFn): RouteFn {
  return async (req, params) => {
    const res = await route(req, params);
    for (const [k, v] of Object.entries(CORS)) res.headers.set(k, v);
    return res;
  };
}

/** The public API: resolves an API key, internal JWT or x402 payment; no cookies, no Origin check. */
export function agentRoute(fn: (req: Request, ctx: AgentCtx) => Promise<Response>): RouteFn {
  return withCors(wrap(async (req, base) => ({ ...base, caller: await resolveAgentCaller(req) }), fn));
}
agentRoute.preflight = async (): Promise<Response> =>
  new Response(null, {
    status: 204,
    headers: {
      ...CORS,
      "access-control-allow-methods": "POST, OPTIONS",
      "access-control-allow-headers": "authorization, content-type, payment-signature, x-request-id",
      "access-control-max-age": "86400",
    },
  });

/** Reads and validates a JSON body, bounded as it streams in; anything malformed is a 400, never a 500. */
export async function readJson<S extends z.ZodType>(req: Request, schema: S, maxBytes: number = BODY_LIMITS.json): Promise<z.infer<S>> {
  const text = await readBodyText(req, maxBytes);
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    throw new AppError("invalid_request", "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new AppError("invalid_request", describeZod(parsed.error));
  return parsed.data;
}

export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const raw = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid_request", describeZod(parsed.error));
  return parsed.data;
}

/** JSON with bigint money fields written as plain integers. */
export function json(data: unknown, init: ResponseInit = {}): Response {
  const body = JSON.stringify(data, (_k, v) => (typeof v === "bigint" ? Number(v) : v));
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/json");
  return new Response(body, { ...init, headers });
}
