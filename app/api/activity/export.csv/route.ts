import { activityCsv } from "@/lib/activity/csv";
import { sessionRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

export const GET = sessionRoute(async (_req, { session }) => {
  return new Response(await activityCsv(session.accountId), {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="solrouter-activity.csv"`,
      "cache-control": "no-store",
      "x-content-type-options": "nosniff",
    },
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
