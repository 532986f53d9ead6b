import { z } from "zod";
import { isoString, microUsd, wireInt } from "@/lib/wire";
import { MAX_LOW_BALANCE_THRESHOLD_MICRO } from "./low-balance";

// Requests and responses of /api/usage* and /api/account/settings (see lib/keys/schemas.ts for
// how they are used on both sides). The usage filters' query schema is `usageFiltersSchema` in
// lib/usage/filters.ts: it is shared with the CSV export and the aggregates, server-side only.

/** What every answer about one call says (the request log, GET /v1/generations/{id}). */
export const callMeasureFields = {
  model: z.string(),
  inputTokens: z.int(),
  outputTokens: z.int(),
  costMicro: microUsd("What the call cost"),
  latencyMs: z.int(),
  status: z.int().describe("The call's HTTP status"),
};

const tokens = (description: string) => wireInt.describe(`${description} (integer)`);

export const UsageItemSchema = z
  .object({
    id: z.string().describe("The call's usage id"),
    at: isoString.describe("When the call was made"),
    keyId: z.uuid().nullable().describe("The API key used; null for x402 and internal calls"),
    keyName: z.string().nullable(),
    keyStart: z.string().nullable(),
    ...callMeasureFields,
  })
  .describe("One call in the request log");

export const UsageTotalsSchema = z
  .object({
    requests: z.int(),
    inputTokens: tokens("Input tokens"),
    outputTokens: tokens("Output tokens"),
    costMicro: microUsd("What the calls cost"),
  })
  .describe("Totals over everything the filters select");

export const UsagePageResponse = z
  .object({
    items: z.array(UsageItemSchema).describe("Newest first"),
    nextCursor: z.string().nullable().describe("Pass as cursor for the next page; null on the last page"),
    totals: UsageTotalsSchema,
  })
  .describe("GET /api/usage");

export const DailyRowSchema = z
  .object({
    day: z.string().describe("A UTC calendar day, YYYY-MM-DD"),
    model: z.string(),
    requests: z.int(),
    costMicro: microUsd("What the day's calls to the model cost"),
    inputTokens: tokens("Input tokens"),
    outputTokens: tokens("Output tokens"),
  })
  .describe("One UTC day × model");

export const DailyUsageResponse = z
  .object({ from: isoString, to: isoString, days: z.array(DailyRowSchema).describe("By day, then model") })
  .describe("GET /api/usage/daily");

const period = z.object({ requests: z.int(), costMicro: microUsd("What the period's calls cost") });

export const SummaryCardsResponse = z
  .object({
    asOf: isoString,
    today: period.describe("Today (UTC)"),
    last7Days: period.describe("The last 7 UTC calendar days, today included"),
    last30Days: period.describe("The last 30 UTC calendar days, today included"),
  })
  .describe("GET /api/usage/summary");

export const LowBalanceSettingsResponse = z
  .object({ lowBalanceThresholdMicro: microUsd("The dashboard warns below this balance; 0: never") })
  .describe("GET or PATCH /api/account/settings");

export const LowBalanceSettingsBody = z
  .object({
    lowBalanceThresholdMicro: z
      .number()
      .int()
      .min(0)
      .max(Number(MAX_LOW_BALANCE_THRESHOLD_MICRO))
      .describe("Warn below this balance (integer micro-USD); 0 turns the warning off"),
  })
  .describe("Body of PATCH /api/account/settings");
