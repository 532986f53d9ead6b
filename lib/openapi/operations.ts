import "server-only";
import type { z } from "zod";
import * as gateway from "@/lib/gateway/schemas";
import { ChatCompletionBody } from "@/lib/gateway/openai-schema";
import { ACCOUNT_OPERATIONS } from "./account-operations";

// The public API, one entry per (path, method): the zod schemas its route parses and answers
// with (the very objects the routes import), who may call it, and the contract codes it can
// answer. Codes are plain strings on purpose: the generator keeps only those lib/errors.ts
// knows, so a code another change adds shows up here once it exists, and never before.

/**
 * Codes the operations list that this build's lib/errors.ts may not know yet (other changes of
 * issue 14 bring them); the generator leaves out any code lib/errors.ts lacks, and the test
 * refuses a listed code that is neither known nor here (a typo).
 */
export const PENDING_CODES = ["model_not_allowed", "key_not_allowed", "forbidden"];

export type Auth = "public" | "caller" | "generation" | "account";

export interface Operation {
  path: string;
  method: "get" | "post" | "patch" | "delete";
  operationId: string;
  tag: "API" | "OpenAI-compatible" | "Models" | "Keys" | "Top-ups" | "Account" | "Usage";
  summary: string;
  description?: string;
  auth: Auth;
  /** Path parameter schemas by name. */
  params?: Record<string, z.ZodType>;
  query?: z.ZodType;
  body?: z.ZodType;
  /** Success responses by status: a JSON schema, or another media type with a description. */
  responses: Record<number, z.ZodType | { mediaType: string; description: string }>;
  /** Extra media type of the 200 answer (the stream of /v1/chat/completions). */
  stream?: { mediaType: string; description: string; chunk: z.ZodType };
  errors: string[];
  /** How the x402 price follows from the body; set on x402-payable operations. */
  x402?: string;
}

const CALL_ERRORS = [
  "invalid_request",
  "unknown_model",
  "context_length_exceeded",
  "invalid_api_key",
  "revoked_api_key",
  "expired_api_key",
  "invalid_token",
  "insufficient_balance",
  "key_spend_limit",
  "payment_required",
  "payment_invalid",
  "model_not_allowed",
  "key_not_allowed",
  "idempotency_conflict",
  "idempotency_in_progress",
  "payload_too_large",
  "rate_limited",
  "upstream_error",
  "unavailable",
];

export const OPERATIONS: Operation[] = [
  {
    path: "/agent",
    method: "post",
    operationId: "agent",
    tag: "API",
    summary: "Call a model with one prompt",
    description:
      "Credentials, tried in this order: an API key (billed from the prepaid balance), an internal JWT, an x402 " +
      "payment (PAYMENT-SIGNATURE). Without any: 402 payment_required with the PAYMENT-REQUIRED header, priced " +
      "for this body. With an API key, Idempotency-Key makes a repeat within 24 h answer the stored result.",
    auth: "caller",
    body: gateway.AgentBody,
    responses: { 200: gateway.AgentResponseSchema },
    errors: CALL_ERRORS,
    x402: "the prompt's UTF-8 bytes plus 32 template tokens as input tokens and maxTokens (default 1024) as output tokens",
  },
  {
    path: "/v1/chat/completions",
    method: "post",
    operationId: "createChatCompletion",
    tag: "OpenAI-compatible",
    summary: "OpenAI Chat Completions",
    description:
      "The OpenAI Chat Completions request (fields we do not support are ignored). Same credentials, order and " +
      "prices as POST /agent. With stream: true the answer is text/event-stream: chat.completion.chunk events, " +
      "then always a chunk with choices: [] and usage, then `data: [DONE]`; `: keep-alive` comments at least " +
      'every 15 s before the first token; an error after the first byte is one `data: {"error": {code, message}}` ' +
      "event, then the stream ends. Errors before it carry error.type as well.",
    auth: "caller",
    body: ChatCompletionBody,
    responses: { 200: gateway.ChatCompletionResponse },
    stream: {
      mediaType: "text/event-stream",
      description: "With stream: true: `data: <chat.completion.chunk JSON>` events, the usage chunk, `data: [DONE]`",
      chunk: gateway.ChatCompletionChunkSchema,
    },
    errors: CALL_ERRORS,
    x402:
      "the messages' UTF-8 bytes plus 4 tokens a message and 32 template tokens as input tokens and " +
      "max_completion_tokens (or max_tokens, default 1024) as output tokens",
  },
  {
    path: "/v1/models",
    method: "get",
    operationId: "listOpenAiModels",
    tag: "OpenAI-compatible",
    summary: "Models in OpenAI's list shape, with prices",
    auth: "public",
    responses: { 200: gateway.OpenAiModelListResponse },
    errors: [],
  },
  {
    path: "/v1/generations/{id}",
    method: "get",
    operationId: "getGeneration",
    tag: "OpenAI-compatible",
    summary: "One call's record, to the credential that made it",
    description: "Anyone else (and x402 payers, who have no standing credential) gets 404 not_found.",
    auth: "generation",
    params: { id: gateway.GenerationResponse.shape.id },
    responses: { 200: gateway.GenerationResponse },
    errors: ["invalid_api_key", "revoked_api_key", "expired_api_key", "invalid_token", "not_found", "rate_limited"],
  },
  {
    path: "/api/models",
    method: "get",
    operationId: "listModels",
    tag: "Models",
    summary: "The model catalogue with prices",
    auth: "public",
    responses: { 200: gateway.PublicModelListResponse },
    errors: [],
  },
  ...ACCOUNT_OPERATIONS,
];
