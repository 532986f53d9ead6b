import "server-only";
import type { z } from "zod";
import * as billing from "@/lib/billing/schemas";
import * as gateway from "@/lib/gateway/schemas";
import { ChatCompletionBody } from "@/lib/gateway/openai-schema";
import * as keys from "@/lib/keys/schemas";
import * as usage from "@/lib/usage/schemas";

// components.schemas of /openapi.json: a name for each schema object the operations share, so
// the generator writes it once and $refs it (a schema not named here is inlined where used).

/** Component names of the schemas the operations use (the rest are inlined). */
export const NAMED_SCHEMAS: Record<string, z.ZodType> = {
  AgentRequest: gateway.AgentBody,
  AgentResponse: gateway.AgentResponseSchema,
  ChatCompletionRequest: ChatCompletionBody,
  ChatCompletion: gateway.ChatCompletionResponse,
  ChatCompletionChunk: gateway.ChatCompletionChunkSchema,
  ChatUsage: gateway.ChatUsageSchema,
  Generation: gateway.GenerationResponse,
  PublicModel: gateway.PublicModelSchema,
  PublicModelList: gateway.PublicModelListResponse,
  OpenAiModel: gateway.OpenAiModelSchema,
  OpenAiModelList: gateway.OpenAiModelListResponse,
  ApiKey: keys.ApiKeySchema,
  ApiKeyListItem: keys.KeyListItemSchema,
  KeyList: keys.KeyListResponse,
  CreateKeyRequest: keys.CreateKeyBody,
  UpdateKeyRequest: keys.UpdateKeyBody,
  RollKeyRequest: keys.RollKeyBody,
  CreatedKey: keys.CreatedKeyResponse,
  RolledKey: keys.RolledKeyResponse,
  KeyResult: keys.KeyResponse,
  Topup: billing.TopupSchema,
  TopupResult: billing.TopupResponse,
  TopupList: billing.TopupListResponse,
  CreateTopupRequest: billing.CreateTopupBody,
  ConfirmTopupRequest: billing.ConfirmTopupBody,
  ConfirmedTopup: billing.ConfirmedTopupResponse,
  Me: billing.MeResponse,
  UsageItem: usage.UsageItemSchema,
  UsageTotals: usage.UsageTotalsSchema,
  UsagePage: usage.UsagePageResponse,
  DailyUsage: usage.DailyUsageResponse,
  SummaryCards: usage.SummaryCardsResponse,
};
