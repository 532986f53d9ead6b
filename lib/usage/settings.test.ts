import { describe, expect, it } from "vitest";
import { testDbKinds } from "@/lib/test/db";
import { testRuntime } from "@/lib/test/runtime";
import { call } from "@/lib/test/http";
import { signedInAccount } from "@/lib/test/session";
import { GET as getSettings, PATCH as patchSettings } from "@/app/api/account/settings/route";
import { GET as me } from "@/app/api/me/route";
import { GET as usageRoute } from "@/app/api/usage/route";
import { GET as dailyRoute } from "@/app/api/usage/daily/route";
import { GET as summaryRoute } from "@/app/api/usage/summary/route";
import { GET as exportRoute } from "@/app/api/usage/export.csv/route";

describe.each(testDbKinds())("account settings and usage access (%s)", (kind) => {
  const { db } = testRuntime(kind, { env: { APP_URL: "http://localhost:3000" } });

  it("low-balance threshold: default $1, set, shown by /api/me", async () => {
    const fresh = await signedInAccount();
    expect((await call(getSettings, { cookie: fresh.cookie })).json).toEqual({ lowBalanceThresholdMicro: 1_000_000 });
    const set = await call(patchSettings, {
      method: "PATCH",
      body: { lowBalanceThresholdMicro: 2_500_000 },
      cookie: fresh.cookie,
    });
    expect([set.status, set.json]).toEqual([200, { lowBalanceThresholdMicro: 2_500_000 }]);
    expect((await call(me, { cookie: fresh.cookie })).json).toMatchObject({
      balanceMicro: 0,
      lowBalanceThresholdMicro: 2_500_000,
    });
    for (const body of [
      { lowBalanceThresholdMicro: -1 },
      { lowBalanceThresholdMicro: 1.5 },
      { lowBalanceThresholdMicro: "1" },
      {},
    ]) {
      const res = await call(patchSettings, { method: "PATCH", body, cookie: fresh.cookie });
      expect([res.status, res.json.error.code]).toEqual([400, "invalid_request"]);
    }
    const foreign = await call(patchSettings, {
      method: "PATCH",
      body: { lowBalanceThresholdMicro: 0 },
      cookie: fresh.cookie,
      origin: "https://evil.example",
    });
    expect([foreign.status, foreign.json.error.code]).toEqual([403, "bad_origin"]);
    // Each account has its own threshold.
    expect((await call(getSettings, { cookie: (await signedInAccount()).cookie })).json).toEqual({
      lowBalanceThresholdMicro: 1_000_000,
    });
  });

  it("usage and settings routes need a session", async () => {
    for (const route of [usageRoute, dailyRoute, summaryRoute, exportRoute, getSettings]) {
      const res = await call(route, { path: "/api/usage" });
      expect([res.status, res.json.error.code]).toEqual([401, "unauthenticated"]);
    }
  });
});
