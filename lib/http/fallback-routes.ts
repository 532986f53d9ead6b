import "server-only";
import { AppError } from "@/lib/errors";
import { publicRoute } from "./handler";

// The contract's JSON errors where Next would answer by itself: an empty 405 for a method a
// route file does not export, its HTML page for a path no route serves. (A proxy.ts doing this
// for every API path was measured to cut /agent's throughput by more than half; these cost the
// served methods nothing.)

const METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
export type Method = (typeof METHODS)[number];
type Handler = ReturnType<typeof publicRoute>;

/** The public API is read by browsers on other origins, as its routes allow. */
function withApiCors(handler: Handler): Handler {
  return async (req, route) => {
    const res = await handler(req, route);
    const path = new URL(req.url).pathname;
    if (path === "/agent" || path.startsWith("/agent/") || path.startsWith("/v1"))
      res.headers.set("access-control-allow-origin", "*");
    return res;
  };
}

/** What `Allow` lists: the route's methods, HEAD with GET, and OPTIONS (Next answers it). */
export function allowHeader(allowed: readonly Method[]): string {
  const set = new Set<string>(allowed);
  if (set.has("GET")) set.add("HEAD");
  set.add("OPTIONS");
  return [...set].join(", ");
}

/**
 * Handlers for every method a route file does not serve, each answering 405 method_not_allowed
 * with `Allow`. In a route file: `export const { PUT, PATCH, DELETE } = otherMethods(["GET", "POST"]);`
 * (fallback-routes.test.ts checks every route file under app/api, app/v1 and app/agent does this).
 */
export function otherMethods(allowed: readonly Method[]): Record<Method, Handler> {
  const allow = allowHeader(allowed);
  const refuse = withApiCors(
    publicRoute(
      async (req) => {
        const path = new URL(req.url).pathname;
        throw new AppError(
          "method_not_allowed",
          `${req.method} is not supported on ${path}; use ${allowed.join(" or ")}.`,
          { headers: { allow } },
        );
      },
      { checkOrigin: false },
    ),
  );
  return Object.fromEntries(METHODS.map((m) => [m, refuse])) as Record<Method, Handler>;
}

/** Every method of a catch-all route: the contract's 404 for a path no route serves. */
export function unknownPath(): Record<Method | "OPTIONS", Handler> {
  const missing = withApiCors(
    publicRoute(
      async (req) => {
        throw new AppError("not_found", `There is no API route at ${new URL(req.url).pathname}.`);
      },
      { checkOrigin: false },
    ),
  );
  return Object.fromEntries([...METHODS, "OPTIONS"].map((m) => [m, missing])) as Record<Method | "OPTIONS", Handler>;
}
