import { readQuery, sessionRoute } from "@/lib/http/handler";
import { usageFiltersSchema } from "@/lib/usage/filters";
import { csvFilename, usageCsvStream } from "@/lib/usage/csv";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

// Every row the filters select (cursor and limit are ignored), streamed batch by batch.
export const GET = sessionRoute(
  async (req, { session, log }) => {
    const filters = readQuery(req, usageFiltersSchema);
    const now = new Date();
    // Everything is checked, and the first batch read, before the first byte goes out.
    const body = await usageCsvStream(session.accountId, filters, { now, signal: req.signal, log });
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${csvFilename(filters, now)}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  },
  { auth: "session-or-management-key" },
);

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
