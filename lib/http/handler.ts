import "server-only";
import type { Logger } from "pino";
import type { z } from "zod";
import { logger } from "@/lib/log";
import { AppError } from "@/lib/errors";
import { findSession, sessionToken, type SessionAccount } from "@/lib/auth/session";
import { randomBytes } from "node:crypto";
import { errorToResponse, describeZod } from "./errors";
import { BODY_LIMITS, readBodyText } from "./body";
import { resolveAgentCaller, type AgentCaller } from "./agent-caller";
import { takeToken, TokenBuckets, type RateLimit } from "@/lib/limits/rate-limit";
import { resolveApiKey } from "@/lib/keys/resolve";
import { API_KEY_PREFIX } from "@/lib/keys/format";
import type { KeyActor } from "@/lib/keys/management";

export { json, respond } from "./respond";
import { isAppOrigin } from "./dev-origins";

type Params = Record<string, string | string[] | undefined>;

interface BaseCtx {
  requestId: string;
  log: Logger;
  params: Params;
  /** A single path segment like `[id]`, as a string ("" when absent): the one way routes read one. */
  param: (name: string) => string;
}
export type PublicCtx = BaseCtx;
export type SessionCtx = BaseCtx & { session: SessionAccount; actor: KeyActor };
export type AgentCtx = BaseCtx & { caller: AgentCaller };
/** A route a management key may call too: the account either way, and who acted. */
export type AccountCtx = BaseCtx & { session: { accountId: string }; actor: KeyActor };

type RouteFn = (req: Request, route: { params: Promise<Params> }) => Promise<Response>;

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/** Cookie-authenticated state changes must come from our own pages (CSRF). */
function checkOrigin(req: Request) {
  if (SAFE_METHODS.has(req.method)) return;
  if (!isAppOrigin(req.headers.get("origin"))) {
    throw new AppError("bad_origin", "This request must come from the Solrouter dashboard.");
  }
}

// Request ids are cut from a pool of random bytes refilled 256 ids at a time: one randomBytes
// call per request cost ~10 µs (a synchronous OpenSSL call each time) on the gateway's hot path.
const ID_BYTES = 9;
let idPool = Buffer.alloc(0);
let idAt = 0;
function newRequestId(): string {
  if (idAt + ID_BYTES > idPool.length) {
    idPool = randomBytes(ID_BYTES * 256);
    idAt = 0;
  }
  idAt += ID_BYTES;
  return idPool.toString("base64url", idAt - ID_BYTES, idAt);
}

function wrap<C extends BaseCtx>(
  resolve: (req: Request, base: BaseCtx) => Promise<C>,
  fn: (req: Request, ctx: C) => Promise<Response>,
): RouteFn {
  return async (req, route) => {
    const requestId = req.headers.get("x-request-id")?.slice(0, 64) || newRequestId();
    const started = performance.now();
    const log = logger().child({ reqId: requestId });
    let res: Response;
    try {
      const params = route?.params ? await route.params : {};
      const param = (name: string) => {
        const v = params[name];
        return typeof v === "string" ? v : "";
      };
      res = await fn(req, await resolve(req, { requestId, log, params, param }));
    } catch (err) {
      res = errorToResponse(err, log);
    }
    res.headers.set("x-request-id", requestId);
    // One access line per request; headers (cookies, Authorization, payments) are never logged.
    const level = res.status >= 500 ? "warn" : "info";
    if (log.isLevelEnabled(level))
      log[level](
        {
          method: req.method,
          path: new URL(req.url).pathname,
          status: res.status,
          ms: Math.round(performance.now() - started),
        },
        "request",
      );
    return res;
  };
}

/** A route anyone may call; state-changing ones still need our Origin (e.g. sign-in). */
export function publicRoute(
  fn: (req: Request, ctx: PublicCtx) => Promise<Response>,
  opts: { checkOrigin?: boolean; rateLimit?: RateLimit<PublicCtx> } = {},
): RouteFn {
  return wrap(async (req, base) => {
    if (opts.checkOrigin !== false) checkOrigin(req);
    if (opts.rateLimit) takeToken(opts.rateLimit, req, base);
    return base;
  }, fn);
}

// Per management key, before the route's own (per-account) limit: scripts loop, people do not.
const managementKeyBuckets = new TokenBuckets(10, 60);

/**
 * `Authorization: Bearer sk_solrouter_…` of a management key: its account, with no Origin check
 * (no cookie is involved, so no CSRF). Any other key is refused with 403 key_not_allowed.
 */
async function managementKeyCtx(req: Request, base: BaseCtx, auth: string): Promise<AccountCtx> {
  const m = /^Bearer[ ]+([!-~]{1,4096})$/.exec(auth.trim());
  if (!m || !m[1]!.startsWith(API_KEY_PREFIX))
    throw new AppError("invalid_api_key", "Send a management key as 'Authorization: Bearer sk_solrouter_…'.");
  const key = await resolveApiKey(m[1]!);
  if (!key.canManageKeys)
    throw new AppError(
      "key_not_allowed",
      "This API key is not a management key. Create one with canManageKeys in the dashboard, or sign in.",
    );
  const wait = managementKeyBuckets.take(key.keyId);
  if (wait > 0)
    throw new AppError("rate_limited", "Too many requests for this management key. Slow down and retry.", {
      retryAfterSeconds: wait,
    });
  return { ...base, session: { accountId: key.accountId }, actor: { kind: "key", key } };
}

/**
 * A dashboard route: needs a valid session cookie and, for state changes, our Origin. A rate
 * limit is taken once the account is known, before the handler reads anything. With
 * `auth: "session-or-management-key"` a management key (Bearer) may call it too, for its own
 * account; the handler gets the account id either way and `actor` says who acted.
 */
type SessionOpts =
  | { auth?: undefined; rateLimit?: RateLimit<SessionCtx> }
  | { auth: "session-or-management-key"; rateLimit?: RateLimit<AccountCtx> };
type CtxOf<O> = O extends { auth: "session-or-management-key" } ? AccountCtx : SessionCtx;

export function sessionRoute<O extends SessionOpts = { auth?: undefined }>(
  fn: (req: Request, ctx: CtxOf<O>) => Promise<Response>,
  opts?: O,
): RouteFn {
  return wrap(async (req, base) => {
    const auth = req.headers.get("authorization");
    const o: SessionOpts = opts ?? {};
    if (o.auth === "session-or-management-key" && auth !== null) {
      const ctx = await managementKeyCtx(req, base, auth);
      if (o.rateLimit) takeToken(o.rateLimit, req, ctx);
      return ctx as CtxOf<O>;
    }
    checkOrigin(req);
    const session = await findSession(sessionToken(req.headers.get("cookie")));
    if (!session) throw new AppError("unauthenticated", "Sign in with your wallet first.");
    const ctx: SessionCtx = { ...base, session, actor: { kind: "session" } };
    if (o.rateLimit) takeToken(o.rateLimit as RateLimit<SessionCtx>, req, ctx);
    return ctx as CtxOf<O>;
  }, fn);
}

// The API is called from servers and from browsers (agents in web apps): it answers any origin
// and lets browsers read the x402 headers.
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-expose-headers":
    "PAYMENT-REQUIRED, PAYMENT-RESPONSE, Retry-After, x-request-id, x-solrouter-cost-micro, idempotent-replayed",
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
      "access-control-allow-headers": "authorization, content-type, payment-signature, x-request-id, idempotency-key",
      "access-control-max-age": "86400",
    },
  });

/** Reads and validates a JSON body, bounded as it streams in; anything malformed is a 400, never a 500. */
export async function readJson<S extends z.ZodType>(
  req: Request,
  schema: S,
  maxBytes: number = BODY_LIMITS.json,
): Promise<z.infer<S>> {
  return (await readJsonText(req, schema, maxBytes)).body;
}

/** Like readJson, and also the body's text: what an Idempotency-Key's hash covers. */
export async function readJsonText<S extends z.ZodType>(
  req: Request,
  schema: S,
  maxBytes: number,
): Promise<{ text: string; body: z.infer<S> }> {
  const text = await readBodyText(req, maxBytes);
  let data: unknown;
  try {
    data = text ? JSON.parse(text) : {};
  } catch {
    throw new AppError("invalid_request", "The request body is not valid JSON.");
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) throw new AppError("invalid_request", describeZod(parsed.error));
  return { text, body: parsed.data };
}

export function readQuery<S extends z.ZodType>(req: Request, schema: S): z.infer<S> {
  const raw = Object.fromEntries(new URL(req.url).searchParams);
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new AppError("invalid_request", describeZod(parsed.error));
  return parsed.data;
}
