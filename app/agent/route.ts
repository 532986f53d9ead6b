import { AgentBody, runKeyCall } from "@/lib/gateway/agent";
import { agentCalls } from "@/lib/gateway/agent-calls";
import { agentRoute, readJson, json } from "@/lib/http/handler";
import { BODY_LIMITS, readBodyBytes } from "@/lib/http/body";
import { otherMethods } from "@/lib/http/fallback-routes";

const MAX_BODY = BODY_LIMITS.agent;

/** The body as JSON, if it is; x402 discovery probes send no body at all. */
async function peekBody(req: Request): Promise<unknown> {
  // Bounded like every body: an oversized one is a 413 even without credentials.
  const bytes = await readBodyBytes(req, MAX_BODY);
  try {
    return JSON.parse(new TextDecoder().decode(bytes)) as unknown;
  } catch {
    return undefined;
  }
}

export const POST = agentRoute(async (req, { caller, requestId }) => {
  // Without credentials: the 402 quotes this body's price (or the price list without one).
  if (caller.kind === "none") throw await agentCalls.paymentRequired(await peekBody(req));
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
