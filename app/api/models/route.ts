import { MODELS, publicModel } from "@/lib/gateway/catalog";
import { publicRoute, json } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

const body = { models: MODELS.map(publicModel) };

export const GET = publicRoute(async () => json(body, { headers: { "cache-control": "public, max-age=300", "access-control-allow-origin": "*" } }));

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
