// What proxy.ts answers before Next routes a request under /api, /v1 or /agent: the contract's
// JSON 404 for a path no route file serves and JSON 405 with `Allow` for a method the route
// file does not export. Without it Next answers its HTML 404 page and an empty 405.
// No "server-only": proxy.ts bundles it; it reads nothing but the generated route table.
import type { ErrorCode } from "@/lib/errors";
import { ROUTE_METHODS } from "./route-methods";

const API_ROOTS = ["/api", "/v1", "/agent"];

/** `/api/keys/[id]` → /^\/api\/keys\/[^/]+$/ (catch-alls: one or more segments, optional: any). */
function toRegExp(pattern: string): RegExp {
  const source = pattern
    .split("/")
    .map((s) => {
      if (/^\[\[\.\.\..+\]\]$/.test(s)) return "(?:/.*)?";
      if (/^\[\.\.\..+\]$/.test(s)) return "/.+";
      if (/^\[.+\]$/.test(s)) return "/[^/]+";
      return s ? "/" + s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&") : "";
    })
    .join("");
  return new RegExp(`^${source || "/"}/?$`);
}

// Static paths first, so `/api/usage/daily` is not taken for a `[id]`-like sibling.
const ROUTES = ROUTE_METHODS.map(([pattern, methods]) => ({ pattern, re: toRegExp(pattern), methods, dynamic: pattern.includes("[") })).sort(
  (a, b) => Number(a.dynamic) - Number(b.dynamic),
);

export function isApiPath(pathname: string): boolean {
  return API_ROOTS.some((r) => pathname === r || pathname.startsWith(r + "/"));
}

/** The methods a route answers, as `Allow` lists them: HEAD with GET, and OPTIONS (Next answers it for every route). */
function allowed(methods: readonly string[]): string[] {
  const set = new Set(methods);
  if (set.has("GET")) set.add("HEAD");
  set.add("OPTIONS");
  return [...set];
}

function errorResponse(pathname: string, status: number, code: ErrorCode, message: string, headers: Record<string, string> = {}): Response {
  const base: Record<string, string> = { "cache-control": "no-store" };
  // The public API's answers carry a request id and may be read by browsers (as its routes do).
  if (!pathname.startsWith("/api")) Object.assign(base, { "x-request-id": crypto.randomUUID().slice(0, 12), "access-control-allow-origin": "*" });
  return Response.json({ error: { code, message } }, { status, headers: { ...base, ...headers } });
}

/** The contract's answer for a request no route handler would serve properly, or null to let Next route it. */
export function apiEdgeResponse(method: string, pathname: string): Response | null {
  if (!isApiPath(pathname)) return null;
  const route = ROUTES.find((r) => r.re.test(pathname));
  if (!route) return errorResponse(pathname, 404, "not_found", `There is no API route at ${pathname}.`);
  const allow = allowed(route.methods);
  if (allow.includes(method)) return null;
  return errorResponse(pathname, 405, "method_not_allowed", `${method} is not supported on ${pathname}; use ${route.methods.join(" or ")}.`, { allow: allow.join(", ") });
}
