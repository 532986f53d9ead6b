import "server-only";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import type { AgentCaller } from "@/lib/http/agent-caller";
import { verifyInternalJwt } from "@/lib/jwt/verify";
import { findGeneration, type GenerationOwner } from "@/lib/usage/generations";
import type { Server } from "@/lib/wire";
import { callId, usageIdOf } from "./call";
import type { GenerationResponse } from "./schemas";

const notFound = () => new AppError("not_found", "No such generation for this credential.");

/**
 * GET /v1/generations/{id}: the call's record, to the credential that made it — the same API key,
 * or an internal JWT of the same product. Anyone else (and x402 payers, who have no standing
 * credential to present) gets 404.
 */
export async function generationFor(caller: AgentCaller, id: string): Promise<Server<typeof GenerationResponse>> {
  const usageId = usageIdOf(id);
  let owner: GenerationOwner | undefined;
  if (caller.kind === "key") owner = { keyId: caller.key.keyId };
  else if (caller.kind === "jwt") owner = { product: (await verifyInternalJwt(caller.token)).product };
  if (!owner || usageId === null) throw notFound();
  const g = await findGeneration(await getDb(), usageId, owner);
  if (!g) throw notFound();
  return {
    id: callId(g.id),
    model: g.model,
    inputTokens: g.inputTokens,
    outputTokens: g.outputTokens,
    costMicro: g.costMicro,
    latencyMs: g.latencyMs,
    status: g.status,
    createdAt: g.createdAt.toISOString(),
  };
}
