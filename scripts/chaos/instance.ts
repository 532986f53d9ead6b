// One gateway instance for the chaos suite: the real route handlers and the real background jobs
// (hold heartbeat and sweeper, deposit reconciler) in their own OS process, so SIGSTOP and SIGKILL
// are real. Configuration comes from the environment like the server's (PORT, DATABASE_URL or
// DATA_DIR, SOLANA_RPC_URL, UPSTREAM_URL, APP_URL, HOLD_*_MS). Run with --conditions=react-server.
import { env } from "@/lib/env";
import { boot } from "@/lib/boot";
import { serveRoutes } from "@/lib/test/serve";
import * as agent from "@/app/agent/route";
import * as challenge from "@/app/api/auth/challenge/route";
import * as verify from "@/app/api/auth/verify/route";
import * as me from "@/app/api/me/route";
import * as keys from "@/app/api/keys/route";
import * as topups from "@/app/api/topups/route";
import * as confirm from "@/app/api/topups/[id]/confirm/route";
import * as health from "@/app/api/health/route";

type Module = Partial<
  Record<string, (req: Request, route: { params: Promise<Record<string, string>> }) => Promise<Response>>
>;
const route = (m: unknown) => m as Module;

await boot();

// Served as next start serves them (streamed bodies, client aborts), on the instance's port.
await serveRoutes(
  {
    "/agent": route(agent),
    "/api/auth/challenge": route(challenge),
    "/api/auth/verify": route(verify),
    "/api/me": route(me),
    "/api/keys": route(keys),
    "/api/topups": route(topups),
    "/api/topups/[id]/confirm": route(confirm),
    "/api/health": route(health),
  },
  { port: env().PORT },
);
console.log(`instance ready on ${env().PORT}`);
