import { AppError } from "@/lib/errors";
import { AgentBody, runKeyCall } from "@/lib/gateway/agent";
import { agentCalls } from "@/lib/gateway/agent-calls";
import { agentRoute, readJson, json } from "@/lib/http/handler";

const MAX_BODY = 1024 * 1024;

export const POST = agentRoute(async (req, { caller, requestId }) => {
  const body = await readJson(req, AgentBody, MAX_BODY);
  switch (caller.kind) {
    case "key":
      return json(await runKeyCall(caller.key, body, requestId));
    case "jwt":
      return json(await agentCalls.jwt(caller.token, body, requestId));
    case "x402": {
      const { response, paymentResponseHeader } = await agentCalls.x402(caller.paymentHeader, body, requestId, req.url);
      return json(response, { headers: { "PAYMENT-RESPONSE": paymentResponseHeader } });
    }
    case "none":
      throw await agentCalls.paymentRequired(body, req.url);
    default:
      throw new AppError("invalid_request", "Unsupported credentials.");
  }
});

export const OPTIONS = agentRoute.preflight;
