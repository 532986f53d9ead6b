import "server-only";
import { env } from "@/lib/env";

// In development a newcomer opens whichever of http://localhost:3000 and http://127.0.0.1:3000
// they are shown; both are this machine and the same server, so both may sign in and change
// state. Anywhere else (and in production, always) only APP_URL's origin counts: the CSRF check
// and the sign-in domain must name exactly one site.
const LOOPBACK = ["localhost", "127.0.0.1"];

/** Origins our own pages are served from; APP_URL's first. */
export function appOrigins(): string[] {
  const e = env();
  const app = new URL(e.APP_URL);
  if (e.NODE_ENV !== "development" || !LOOPBACK.includes(app.hostname)) return [e.appOrigin];
  const port = app.port ? `:${app.port}` : "";
  return [e.appOrigin, ...LOOPBACK.map((h) => `${app.protocol}//${h}${port}`).filter((o) => o !== e.appOrigin)];
}

export function isAppOrigin(origin: string | null): boolean {
  return origin !== null && appOrigins().includes(origin);
}

/**
 * The origin the browser is on when it is one of ours, else APP_URL's. Sign-in challenges name
 * it, so a wallet comparing the message's domain with the page sees them agree.
 */
export function pageOrigin(req: Request): string {
  const origins = appOrigins();
  const host = req.headers.get("host");
  if (origins.length === 1 || !host) return origins[0]!;
  const here = `${new URL(origins[0]!).protocol}//${host}`;
  return origins.includes(here) ? here : origins[0]!;
}
