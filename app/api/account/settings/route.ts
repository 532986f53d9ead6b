import { z } from "zod";
import { json, readJson, sessionRoute } from "@/lib/http/handler";
import { getLowBalanceSettings, setLowBalanceThreshold } from "@/lib/usage/low-balance";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

const patchSchema = z.object({
  lowBalanceThresholdMicro: z.number().int().min(0).max(1_000_000_000_000),
});

export const GET = sessionRoute(async (_req, { session }) => {
  return json(await getLowBalanceSettings(session.accountId), { headers: { "cache-control": "no-store" } });
});

export const PATCH = sessionRoute(async (req, { session }) => {
  const body = await readJson(req, patchSchema);
  return json(await setLowBalanceThreshold(session.accountId, BigInt(body.lowBalanceThresholdMicro)));
});

export const { POST, PUT, DELETE } = otherMethods(["GET", "PATCH"]);
