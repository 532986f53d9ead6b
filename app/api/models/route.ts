import { z } from "zod";
import { MODELS, publicModel } from "@/lib/models";
import { PublicModelListResponse } from "@/lib/gateway/schemas";
import { publicRoute, json } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

// Built once through its schema (the one GET /openapi.json publishes), so the two cannot differ.
const body = z.encode(PublicModelListResponse, { models: MODELS.map(publicModel) });

export const GET = publicRoute(async () =>
  json(body, { headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" } }),
);

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
