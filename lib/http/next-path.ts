// Where to go after signing in: `/?next=<path>` carries the dashboard page a signed-out visitor
// asked for. Only a path on this site is followed, never another origin, so the parameter cannot
// be used to bounce someone from our sign-in to a look-alike site (open redirect).
// Browser-safe: the sign-in dialog and the server layout both use it.

export const DEFAULT_AFTER_SIGN_IN = "/dashboard";
/** Set by proxy.ts on dashboard requests: the path and query the visitor asked for. */
export const PATH_HEADER = "x-solrouter-path";

const BASE = "http://solrouter.invalid";

export function safeNextPath(raw: string | null | undefined, fallback = DEFAULT_AFTER_SIGN_IN): string {
  if (!raw || raw.length > 2000) return fallback;
  // A path must start with exactly one slash: "//evil.test" and "/\evil.test" are other hosts to a browser.
  if (!raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return fallback;
  // Browsers drop tabs and newlines inside URLs, so "/\t/evil.test" would become "//evil.test".
  if (/[\u0000-\u001f\u007f\\]/.test(raw)) return fallback;
  let url: URL;
  try {
    url = new URL(raw, BASE);
  } catch {
    return fallback;
  }
  if (url.origin !== BASE) return fallback;
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The landing page, asking to sign in and come back to `path`. */
export function signInRedirect(path: string | null | undefined): string {
  const next = safeNextPath(path);
  return `/?next=${encodeURIComponent(next)}`;
}
