import { readJson, respond, sessionRoute } from "@/lib/http/handler";
import { getLowBalanceSettings, setLowBalanceThreshold } from "@/lib/usage/low-balance";
import { LowBalanceSettingsBody, LowBalanceSettingsResponse } from "@/lib/usage/schemas";
import { otherMethods } from "@/lib/http/fallback-routes";

export const dynamic = "force-dynamic";

export const GET = sessionRoute(async (_req, { session }) => {
  return respond(LowBalanceSettingsResponse, await getLowBalanceSettings(session.accountId), {
    headers: { "cache-control": "no-store" },
  });
});

export const PATCH = sessionRoute(async (req, { session }) => {
  const body = await readJson(req, LowBalanceSettingsBody);
  return respond(
    LowBalanceSettingsResponse,
    await setLowBalanceThreshold(session.accountId, BigInt(body.lowBalanceThresholdMicro)),
  );
});

export const { POST, PUT, DELETE } = otherMethods(["GET", "PATCH"]);
