import { env } from "@/lib/env";
import { agentCall, resolveModel, x402Price } from "@/lib/gateway/agent";
import { AgentBody } from "@/lib/gateway/schemas";
import { agentDiscovery } from "@/lib/gateway/discovery";
import { paymentRequiredError, type Paywall } from "@/lib/gateway/payment-required";
import { idempotencyScope, idempotentJson } from "@/lib/gateway/idempotent-call";
import { agentRoute, json, readJsonText } from "@/lib/http/handler";
import { BODY_LIMITS, peekJsonBody } from "@/lib/http/body";
import { otherMethods } from "@/lib/http/fallback-routes";

const MAX_BODY = BODY_LIMITS.agent;
const SCALING =
  "An x402 call costs what a prepaid call would reserve for it — the prompt's UTF-8 bytes (plus 32 template tokens) at the model's input price and maxTokens at its output price, " +
  "rounded up to a whole micro-USD — and at least the model's x402PriceMicro (GET /api/models).";

function quote(body: unknown) {
  const parsed = AgentBody.safeParse(body);
  if (!parsed.success) return null;
  const { model, maxTokens } = resolveModel(parsed.data);
  return { model, price: x402Price(model, parsed.data.prompt, maxTokens) };
}

const PAYWALL: Paywall = {
  resourceUrl: () => `${env().APP_URL}/agent`,
  quote,
  scaling: SCALING,
  discovery: agentDiscovery,
};

export const POST = agentRoute(async (req, { caller, requestId }) => {
  // Without credentials: the 402 quotes this body's price (or the price list without one).
  if (caller.kind === "none") throw await paymentRequiredError(await peekJsonBody(req, MAX_BODY), PAYWALL);
  const { text, body } = await readJsonText(req, AgentBody, MAX_BODY);
  // With an API key and an Idempotency-Key, a repeat of these bytes gets the stored answer.
  return idempotentJson(idempotencyScope(req, caller, "/agent", text), async () => {
    const { response, headers } = await agentCall(caller, body, requestId, PAYWALL);
    return json(response, { headers });
  });
});

export const OPTIONS = agentRoute.preflight;

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
