import "server-only";
import { MODELS } from "@/lib/gateway/catalog";

// What POST /agent takes and returns, as JSON Schema: shared by the 402's bazaar extension
// (which x402scan needs to list us as invocable) and the /.well-known/x402 document.

export function agentBodySchema() {
  return {
    type: "object",
    properties: {
      prompt: { type: "string", minLength: 1, description: "The prompt to send to the model." },
      model: { type: "string", enum: MODELS.map((m) => m.id), description: "A model id from GET /api/models." },
      maxTokens: { type: "integer", minimum: 1, description: "Upper bound on output tokens (optional)." },
    },
    required: ["prompt", "model"],
    additionalProperties: false,
  };
}

export function agentOutputSchema() {
  return {
    type: "object",
    properties: {
      id: { type: "string", description: "Request id." },
      model: { type: "string" },
      output: { type: "string", description: "The model's answer." },
      usage: {
        type: "object",
        properties: { inputTokens: { type: "integer" }, outputTokens: { type: "integer" } },
        required: ["inputTokens", "outputTokens"],
      },
      costMicro: { type: "integer", description: "What the call cost, in micro-USD." },
    },
    required: ["id", "model", "output", "usage", "costMicro"],
  };
}

export function exampleBody() {
  return { prompt: "Summarise x402 in one sentence.", model: MODELS[0]!.id };
}

export function exampleOutput() {
  return { id: "req_123", model: MODELS[0]!.id, output: "x402 lets a client pay for an HTTP call…", usage: { inputTokens: 9, outputTokens: 12 }, costMicro: 1000 };
}

/** The bazaar discovery extension (same shape as @x402/extensions' declareDiscoveryExtension for a JSON POST). */
export function bazaarExtension(): Record<string, unknown> {
  return {
    bazaar: {
      info: {
        input: { type: "http", method: "POST", bodyType: "json", body: exampleBody() },
        output: { type: "json", example: exampleOutput() },
      },
      schema: {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        type: "object",
        properties: {
          input: {
            type: "object",
            properties: {
              type: { type: "string", const: "http" },
              method: { type: "string", enum: ["POST"] },
              bodyType: { type: "string", enum: ["json"] },
              body: agentBodySchema(),
            },
            required: ["type", "method", "bodyType", "body"],
            additionalProperties: false,
          },
          output: {
            type: "object",
            properties: { type: { type: "string" }, example: agentOutputSchema() },
            required: ["type"],
          },
        },
        required: ["input"],
      },
    },
  };
}
