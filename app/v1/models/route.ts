import { z } from "zod";
import { MODELS } from "@/lib/models";
import { OpenAiModelListResponse } from "@/lib/gateway/schemas";
import { openAiModelList } from "@/lib/gateway/openai-models";
import { publicRoute, json } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

// Built once through its schema (the one GET /openapi.json publishes), so the two cannot differ.
const body = z.encode(OpenAiModelListResponse, openAiModelList(MODELS));

// Public and cacheable like /api/models; OpenAI clients list models before they call, and send
// their Authorization header along (ignored here), so browsers preflight it.
export const GET = publicRoute(async () =>
  json(body, { headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" } }),
);

export const OPTIONS = async (): Promise<Response> =>
  new Response(null, {
    status: 204,
    headers: {
      "access-control-allow-origin": "*",
      "access-control-allow-methods": "GET, OPTIONS",
      "access-control-allow-headers": "authorization, content-type, x-request-id",
      "access-control-max-age": "86400",
    },
  });

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
