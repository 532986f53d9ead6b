// What `npm run dev` prints once Next is ready: the one address sign-in works on (its loopback
// twin too, see lib/http/dev-origins.ts), because Next's own banner also shows a Network address
// whose sign-in would be refused as another site.
const LOOPBACK = ["localhost", "127.0.0.1"];

export function devBanner(appUrl: string): string {
  const app = new URL(appUrl);
  const twin = LOOPBACK.includes(app.hostname)
    ? LOOPBACK.filter((h) => h !== app.hostname).map((h) => `${app.protocol}//${h}${app.port ? `:${app.port}` : ""}`)
    : [];
  const lines = [
    "",
    `  Solrouter is ready: open ${app.origin}${twin.length ? ` (or ${twin.join(", ")})` : ""}`,
    `  Sign-in works only on ${twin.length ? "those addresses" : "that address"} (APP_URL); to use another, set APP_URL to it.`,
    `  From the terminal: npx solrouter login --url ${app.origin}`,
    "",
  ];
  return lines.join("\n");
}
