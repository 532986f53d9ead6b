import { env } from "@/lib/env";
import { json, publicRoute } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";
import { openApiDocument } from "@/lib/openapi/document";

// Generated once per process (it changes only with the code and APP_URL); crawlers and agents
// read it from anywhere, so it is public, cacheable and open to every origin.
let cached: { appUrl: string; body: string } | undefined;

export const GET = publicRoute(async () => {
  const appUrl = env().APP_URL;
  if (cached?.appUrl !== appUrl) cached = { appUrl, body: JSON.stringify(openApiDocument(appUrl)) };
  return new Response(cached.body, {
    headers: {
      "content-type": "application/json",
      "cache-control": "public, max-age=300",
      "access-control-allow-origin": "*",
    },
  });
});

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
