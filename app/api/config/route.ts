import { chainConfig } from "@/lib/solana/config";
import { publicRoute, json } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

export const GET = publicRoute(async () => json(chainConfig(), { headers: { "cache-control": "public, max-age=60" } }));

export const { POST, PUT, PATCH, DELETE } = otherMethods(["GET"]);
