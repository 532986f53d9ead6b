import { z } from "zod";
import { microUsd } from "@/lib/wire";
import { callMeasureFields } from "@/lib/usage/schemas";

// Requests and responses of POST /agent, GET /v1/generations/{id} and the two model lists, in
// zod: the routes parse with the request schemas, the gateway's answers are typed by the
// response schemas, and GET /openapi.json is generated from both (lib/openapi). The Chat
// Completions request lives in openai-schema.ts next to its helpers; its answers are below.

export const AgentBody = z
  .object({
    prompt: z.string({ message: "prompt must be a string" }).min(1, "prompt must not be empty"),
    model: z
      .string({ message: "model must be a string" })
      .min(1, "model is required")
      .max(100)
      .describe("A model id from GET /api/models"),
    maxTokens: z
      .number({ message: "maxTokens must be a number" })
      .int("maxTokens must be a whole number")
      .positive("maxTokens must be positive")
      .optional()
      .describe("Upper bound on output tokens (default 1024, at most the model's maxOutputTokens)"),
  })
  .describe("Body of POST /agent");
export type AgentRequest = z.infer<typeof AgentBody>;

const tokenUsage = z.object({ inputTokens: z.int(), outputTokens: z.int() });

export const AgentResponseSchema = z
  .object({
    id: z.string().describe("The call's usage id (GET /v1/generations/{id})"),
    model: z.string(),
    output: z.string().describe("The model's answer"),
    usage: tokenUsage,
    costMicro: microUsd("What the call cost"),
  })
  .describe("POST /agent");

export const GenerationResponse = z
  .object({
    id: z.string(),
    ...callMeasureFields,
    createdAt: z.string().describe("ISO 8601 date-time"),
  })
  .describe("GET /v1/generations/{id}");

export const PublicModelSchema = z
  .object({
    id: z.string(),
    label: z.string(),
    inputPriceMicroPerMTok: z.int().describe("Per million input tokens (integer micro-USD)"),
    outputPriceMicroPerMTok: z.int().describe("Per million output tokens (integer micro-USD)"),
    x402PriceMicro: z.int().describe("The least an x402 call costs (integer micro-USD)"),
    maxOutputTokens: z.int(),
    contextLength: z.int().describe("Prompt (with its template) plus output must fit, in tokens"),
  })
  .describe("A model and its prices");

export const PublicModelListResponse = z.object({ models: z.array(PublicModelSchema) }).describe("GET /api/models");

export const OpenAiModelSchema = z
  .object({
    id: z.string(),
    object: z.literal("model"),
    created: z.int().describe("Unix time"),
    owned_by: z.literal("solrouter"),
    pricing: z.object({ inputPriceMicroPerMTok: z.int(), outputPriceMicroPerMTok: z.int() }),
    context_length: z.int(),
  })
  .describe("A model in OpenAI's list shape");

export const OpenAiModelListResponse = z
  .object({ object: z.literal("list"), data: z.array(OpenAiModelSchema) })
  .describe("GET /v1/models");

const FinishReason = z.enum(["stop", "length", "content_filter"]);

export const ChatUsageSchema = z
  .object({
    prompt_tokens: z.int(),
    completion_tokens: z.int(),
    total_tokens: z.int(),
    cost_micro: z.int().describe("What the call cost (integer micro-USD)"),
  })
  .describe("Token counts and cost of the call");

export const ChatCompletionResponse = z
  .object({
    id: z.string().describe("The call's usage id (GET /v1/generations/{id})"),
    object: z.literal("chat.completion"),
    created: z.int().describe("Unix time"),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.int(),
        message: z.object({ role: z.literal("assistant"), content: z.string(), refusal: z.null() }),
        logprobs: z.null(),
        finish_reason: FinishReason,
      }),
    ),
    usage: ChatUsageSchema,
  })
  .describe("POST /v1/chat/completions, not streamed");

export const ChatCompletionChunkSchema = z
  .object({
    id: z.string(),
    object: z.literal("chat.completion.chunk"),
    created: z.int(),
    model: z.string(),
    choices: z.array(
      z.object({
        index: z.int(),
        delta: z.object({ role: z.literal("assistant").optional(), content: z.string().optional() }),
        logprobs: z.null(),
        finish_reason: FinishReason.nullable(),
      }),
    ),
    usage: ChatUsageSchema.optional().describe("Only on the last chunk, whose choices are empty"),
  })
  .describe("One `data:` event of a streamed POST /v1/chat/completions");
