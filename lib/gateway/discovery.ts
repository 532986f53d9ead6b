import "server-only";
import { z } from "zod";
import { declareDiscoveryExtension } from "@x402/extensions/bazaar";
import { MODELS } from "@/lib/models";
import { ChatCompletionBody } from "./openai-schema";
import { AgentBody, AgentResponseSchema, ChatCompletionResponse } from "./schemas";

// The x402 `bazaar` discovery extension of each payable route: what to POST and what comes back,
// as JSON Schema generated from the zod schemas the route parses and answers with (the same
// source as /openapi.json), so an indexer such as x402scan can list and invoke the route from its
// 402 alone. The model id is narrowed to the catalogue so a crawler's example call is valid.

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
  return rest;
}

function withModelEnum(schema: Json): Json {
  const properties = schema.properties as Record<string, Json>;
  return { ...schema, properties: { ...properties, model: { ...properties.model, enum: MODELS.map((m) => m.id) } } };
}

function declare(input: Json, inputSchema: Json, output: { example: unknown; schema: Json }) {
  // The package leaves the method to its server-side enrichment, which we do not run: set it here.
  const config = { bodyType: "json" as const, method: "POST", input, inputSchema, output };
  return declareDiscoveryExtension(config) as Record<string, unknown>;
}

const model = MODELS[0]!.id;

/** The extension for POST /agent. */
export function agentDiscovery(): Record<string, unknown> {
  return declare({ prompt: "Summarise x402 in one sentence.", model }, withModelEnum(jsonSchema(AgentBody, "input")), {
    example: {
      id: "1234",
      model,
      output: "x402 lets a client pay for an HTTP call in the call itself.",
      usage: { inputTokens: 9, outputTokens: 12 },
      costMicro: 41,
    },
    schema: jsonSchema(AgentResponseSchema, "output"),
  });
}

/** The extension for POST /v1/chat/completions. */
export function chatDiscovery(): Record<string, unknown> {
  return declare(
    { model, messages: [{ role: "user", content: "Summarise x402 in one sentence." }], max_tokens: 64 },
    withModelEnum(jsonSchema(ChatCompletionBody, "input")),
    {
      example: {
        id: "1234",
        object: "chat.completion",
        created: 1764892800,
        model,
        choices: [
          {
            index: 0,
            message: { role: "assistant", content: "x402 lets a client pay for an HTTP call in the call itself." },
            finish_reason: "stop",
          },
        ],
        usage: { prompt_tokens: 14, completion_tokens: 12, total_tokens: 26, cost_micro: 41 },
      },
      schema: jsonSchema(ChatCompletionResponse, "output"),
    },
  );
}
