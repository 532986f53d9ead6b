import "server-only";
import type { Server } from "@/lib/wire";
import { costMicro, type Model } from "@/lib/models";
import type { AgentCaller } from "@/lib/http/agent-caller";
import { resolveModel as resolveCallModel, runCall, TEMPLATE_TOKENS, x402Quote, type CallRequest } from "./call";
import { paymentFor } from "./payments";
import type { Paywall } from "./payment-required";
import { AgentBody, type AgentRequest, type AgentResponseSchema } from "./schemas";

export type { AgentRequest };

// The /agent adapter: {prompt, model, maxTokens} → one user message through runCall → the
// answer /agent has always given.

export type AgentResponse = Server<typeof AgentResponseSchema>;

/** The most input tokens a prompt can become: a token is never shorter than a byte. */
function inputTokenBound(prompt: string): number {
  return Buffer.byteLength(prompt) + TEMPLATE_TOKENS;
}

/**
 * The model and output budget of a request, refused before any payment or reservation when the
 * prompt (bytes as tokens, plus the template) and the output budget cannot fit the context.
 */
export function resolveModel(req: AgentRequest): { model: Model; maxTokens: number } {
  return resolveCallModel(req.model, inputTokenBound(req.prompt), req.maxTokens);
}

/** The most a call can cost: the whole prompt as tokens plus every allowed output token. */
export function maxCost(model: Model, prompt: string, maxTokens: number): bigint {
  return costMicro(model, inputTokenBound(prompt), maxTokens);
}

/** What an x402 call to /agent costs, quoted from its body (see x402Quote). */
export function x402Price(model: Model, prompt: string, maxTokens: number): bigint {
  return x402Quote(model, maxCost(model, prompt, maxTokens));
}

/** The internal request of an /agent body (throws its 400s). */
export function agentCallRequest(body: AgentRequest, requestId: string): CallRequest {
  const { model, maxTokens } = resolveModel(body);
  return {
    model,
    maxTokens,
    upstream: { model: model.upstreamModel, messages: [{ role: "user", content: body.prompt }], max_tokens: maxTokens },
    maxCostMicro: maxCost(model, body.prompt, maxTokens),
    requestId,
  };
}

/** One /agent call by a credentialed caller: the answer and its extra headers. */
export async function agentCall(
  caller: Exclude<AgentCaller, { kind: "none" }>,
  body: AgentRequest,
  requestId: string,
  paywall: Paywall,
): Promise<{ response: AgentResponse; headers: Record<string, string> }> {
  // Admission (rate limits, the JWT) comes before the body's model is resolved, as it always did.
  const payment = await paymentFor(caller, paywall);
  const out = await runCall(payment, agentCallRequest(body, requestId));
  return {
    response: { id: out.id, model: out.model, output: out.output, usage: out.usage, costMicro: out.costMicro },
    headers: { ...out.headers, "x-solrouter-cost-micro": String(out.costMicro) },
  };
}
