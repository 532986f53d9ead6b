import { env } from "@/lib/env";

type Handler = (req: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>;

/** Calls a route handler the way Next does, with our Origin unless told otherwise. */
export async function call(
  handler: Handler,
  opts: {
    method?: string;
    path?: string;
    body?: unknown;
    cookie?: string;
    headers?: Record<string, string>;
    params?: Record<string, string>;
    origin?: string | null;
  } = {},
) {
  const method = opts.method ?? (opts.body === undefined ? "GET" : "POST");
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.origin !== null) headers.origin = opts.origin ?? env().appOrigin;
  if (opts.cookie) headers.cookie = opts.cookie;
  if (opts.body !== undefined) headers["content-type"] = "application/json";
  const req = new Request(new URL(opts.path ?? "/", env().APP_URL), {
    method,
    headers,
    body: opts.body === undefined ? undefined : typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body),
  });
  const res = await handler(req, { params: Promise.resolve(opts.params ?? {}) });
  const text = await res.text();
  let json: any;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, json, text };
}

type CallOptions = NonNullable<Parameters<typeof call>[1]>;

/** A call as a script makes it: `Authorization: Bearer <token>`, no cookie, no Origin; POST when there is a body. */
export function bearer(handler: Handler, token: string, opts: CallOptions = {}) {
  return call(handler, { ...opts, origin: null, headers: { authorization: `Bearer ${token}`, ...opts.headers } });
}

export function cookieFrom(res: { headers: Headers }): string {
  const set = res.headers.get("set-cookie") ?? "";
  return set.split(";")[0]!;
}
