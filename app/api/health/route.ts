import { checkDependencies } from "@/lib/health";
import { publicRoute, json } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

// 200 while the database answers (the server can serve), else 503; the chain and the model
// server are reported with their state ("degraded" when one is not up) without failing the check.
export const GET = publicRoute(async () => {
  const deps = await checkDependencies();
  const dbUp = deps.database.state === "up";
  const allUp = Object.values(deps).every((d) => d.state === "up");
  const status = !dbUp ? "unavailable" : allUp ? "ok" : "degraded";
  return json(
    { status, database: dbUp, dependencies: deps },
    { status: dbUp ? 200 : 503, headers: { "cache-control": "no-store" } },
  );
});

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
