// One HTTP client for every command, on the SDK's transport (timeouts, safe retries, the
// contract's error shape mapped to typed errors). Cookie-session requests carry the stored
// cookie and the Origin the server checks on state changes.
import { send } from "@solrouter/sdk/transport";
import { CliError } from "./errors.js";
import { loadSession, type StoredSession } from "./session-store.js";

export const DEFAULT_URL = "https://solrouter.com";

export interface Api {
  origin: string;
  session: StoredSession | undefined;
  get<T>(path: string): Promise<T>;
  getText(path: string): Promise<string>;
  post<T>(path: string, body?: unknown): Promise<{ status: number; data: T; headers: Headers }>;
  del<T>(path: string): Promise<T>;
}

/** The server origin from --url / SOLROUTER_URL; anything but an http(s) URL is refused here. */
export function resolveOrigin(flag: string | undefined, env: Record<string, string | undefined> = process.env): string {
  const raw = flag ?? env.SOLROUTER_URL ?? DEFAULT_URL;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CliError("invalid_url", `"${raw}" is not a URL; pass e.g. --url https://solrouter.com.`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:")
    throw new CliError("invalid_url", `"${raw}" is not an http(s) URL.`);
  return url.origin;
}

/**
 * `apiKey` (SOLROUTER_API_KEY, a management key) stands in for the session only when none is
 * stored: the same variable often holds a regular key for model calls, which the account
 * routes would refuse.
 */
export function createApi(origin: string, opts: { needSession?: boolean; apiKey?: string } = {}): Api {
  const session = loadSession(origin);
  const apiKey = session ? undefined : opts.apiKey?.trim() || undefined;
  if (opts.needSession && !session && !apiKey)
    throw new CliError(
      "unauthenticated",
      `Not signed in to ${origin}. Run: solrouter login --url ${origin} (or set SOLROUTER_API_KEY to a management key)`,
    );

  const request = async (method: string, path: string, body?: unknown) => {
    const headers: Record<string, string> = { accept: "application/json", origin, "user-agent": "solrouter-cli" };
    if (session) headers.cookie = session.cookie;
    else if (apiKey) headers.authorization = `Bearer ${apiKey}`;
    if (body !== undefined) headers["content-type"] = "application/json";
    try {
      return await send({
        url: origin + path,
        init: { method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
        timeoutMs: 30_000,
        // Reads retry on connection errors and 429/503; a POST is never repeated by the transport
        // after a timeout, so nothing is created twice.
        maxRetries: 1,
        getFetch: async () => fetch,
      });
    } catch (err) {
      throw explain(err, origin, session);
    }
  };
  const parse = <T>(text: string, path: string): T => {
    try {
      return (text ? JSON.parse(text) : {}) as T;
    } catch {
      throw new CliError("invalid_response", `${origin}${path} did not answer JSON. Is --url a Solrouter server?`);
    }
  };
  return {
    origin,
    session,
    get: async (path) => parse((await request("GET", path)).text, path),
    getText: async (path) => (await request("GET", path)).text,
    post: async (path, body) => {
      const res = await request("POST", path, body ?? {});
      return { status: res.status, data: parse(res.text, path), headers: res.headers };
    },
    del: async (path) => parse((await request("DELETE", path)).text, path),
  };
}

/** A stale session gets told how to fix it rather than the bare server message. */
function explain(err: unknown, origin: string, session: StoredSession | undefined): unknown {
  const e = err as { code?: string; status?: number };
  if (e.status === 401 && e.code === "unauthenticated" && session)
    return new CliError(
      "unauthenticated",
      `Your session at ${origin} has expired. Run: solrouter login --url ${origin}`,
    );
  if (e.status === 404 && e.code === "not_found" && !session)
    return new CliError("not_found", `${origin} does not look like a Solrouter server (404).`);
  return err;
}
