import { env } from "@/lib/env";
import { json, publicRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";
import { discoveryDocument } from "@/lib/x402/discovery";

export const dynamic = "force-dynamic";

// Crawlers (x402scan) and agents read this; it changes only with the catalogue or configuration.
export const GET = publicRoute(async () =>
  json(await discoveryDocument(env().APP_URL), {
    headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" },
  }),
);

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
