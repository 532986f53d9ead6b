import { checkDatabase } from "@/lib/db/health";
import { publicRoute, json } from "@/lib/http/handler";

export const dynamic = "force-dynamic";

export const GET = publicRoute(async () => {
  const ok = await checkDatabase();
  return json({ status: ok ? "ok" : "unavailable", database: ok }, { status: ok ? 200 : 503, headers: { "cache-control": "no-store" } });
});
