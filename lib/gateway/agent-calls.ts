import "server-only";
import { AppError } from "@/lib/errors";
import type { AgentRequest, AgentResponse } from "./agent";

// The keyless (x402) and first-party (internal JWT) tiers of /agent.
export const agentCalls = {
  async jwt(_token: string, _req: AgentRequest, _requestId: string): Promise<AgentResponse> {
    throw new AppError("invalid_token", "Internal tokens are not accepted yet.");
  },
  async x402(_header: string, _req: AgentRequest, _requestId: string, _url: string): Promise<{ response: AgentResponse; paymentResponseHeader: string }> {
    throw new AppError("payment_invalid", "x402 payments are not accepted yet.");
  },
  async paymentRequired(_req: AgentRequest, _url: string): Promise<AppError> {
    return new AppError("payment_required", "This call needs payment: send 'Authorization: Bearer <API key>' (create one in the dashboard), or pay per call with x402.");
  },
};
