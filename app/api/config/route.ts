import { chainConfig } from "@/lib/solana/config";
import { ChainConfigResponse } from "@/lib/solana/schemas";
import { publicRoute, respond } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

export const GET = publicRoute(async () =>
  respond(ChainConfigResponse, chainConfig(), { headers: { "cache-control": "public, max-age=60" } }),
);

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
