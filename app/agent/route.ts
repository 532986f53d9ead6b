import { AgentBody, runKeyCall } from "@/lib/gateway/agent";
import { agentCalls } from "@/lib/gateway/agent-calls";
import { agentRoute, readJson, json } from "@/lib/http/handler";
import { otherMethods } from "@/lib/http/fallback-routes";

const MAX_BODY = 1024 * 1024;

/** The model asked for, if the body says; x402 discovery probes send no body at all. */
async function peekModel(req: Request): Promise<string | undefined> {
  try {
    const text = await req.text();
    if (text.length > MAX_BODY) return undefined;
    const model = (JSON.parse(text) as { model?: unknown })?.model;
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
