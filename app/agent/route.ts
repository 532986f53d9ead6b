import { AgentBody, runKeyCall } from "@/lib/gateway/agent";
import { agentCalls } from "@/lib/gateway/agent-calls";
import { agentRoute, readJson, json } from "@/lib/http/handler";
import { BODY_LIMITS, readBodyBytes } from "@/lib/http/body";
import { otherMethods } from "@/lib/http/fallback-routes";

const MAX_BODY = BODY_LIMITS.agent;

/** The model asked for, if the body says; x402 discovery probes send no body at all. */
async function peekModel(req: Request): Promise<string | undefined> {
  // Bounded like every body: an oversized one is a 413 even without credentials.
  const bytes = await readBodyBytes(req, MAX_BODY);
  try {
    const model = (JSON.parse(new TextDecoder().decode(bytes)) as { model?: unknown })?.model;
    return typeof model === "string" ? model : undefined;
  } catch {
    return undefined;
  }
}

export const POST = agentRoute(async (req, { caller, requestId }) => {
  // Without credentials the answer is always the price list: 402 before any body validation.
  if (caller.kind === "none") throw await agentCalls.paymentRequired(await peekModel(req));
  const body = await readJson(req, AgentBody, MAX_BODY);
  switch (caller.kind) {
    case "key":
      return json(await runKeyCall(caller.key, body, requestId));
    case "jwt":
      return json(await agentCalls.jwt(caller.token, body, requestId));
    case "x402": {
      const { response, paymentResponseHeader } = await agentCalls.x402(caller.paymentHeader, body, requestId);
      return json(response, { headers: { "PAYMENT-RESPONSE": paymentResponseHeader } });
    }
  }
});

export const OPTIONS = agentRoute.preflight;

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods(["POST"]);
