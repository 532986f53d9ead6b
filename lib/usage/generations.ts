import "server-only";
import { sql } from "drizzle-orm";
import type { Queryable } from "@/lib/db";
import type { CallMeasures, CallMeasuresRow } from "./call-measures";

/** Who may read a call's record: the credential that made it. */
export type GenerationOwner = { keyId: string } | { product: string } | { payerAccountId: string };

export interface Generation extends CallMeasures {
  id: bigint;
  status: number;
  createdAt: Date;
}

const ownedBy = (o: GenerationOwner) =>
  "keyId" in o
    ? sql`auth_kind = 'key' AND key_id = ${o.keyId}::uuid`
    : "product" in o
      ? sql`auth_kind = 'jwt' AND product = ${o.product}`
      : sql`auth_kind = 'x402' AND account_id = ${o.payerAccountId}::uuid`;

/** One call's usage event, only when `owner` made it (anyone else learns nothing, not even that it exists). */
export async function findGeneration(q: Queryable, id: bigint, owner: GenerationOwner): Promise<Generation | null> {
  const [r] = await q.rows<
    CallMeasuresRow & { id: string; created_at: string | Date }
  >(sql`SELECT id::text, model, input_tokens, output_tokens, cost_micro::text, latency_ms, status, created_at
    FROM usage_events WHERE id = ${id.toString()}::bigint AND ${ownedBy(owner)}`);
  if (!r) return null;
  return {
    id: BigInt(r.id),
    model: r.model,
    inputTokens: r.input_tokens,
    outputTokens: r.output_tokens,
    costMicro: BigInt(r.cost_micro),
    latencyMs: r.latency_ms,
    status: r.status,
    createdAt: new Date(r.created_at),
  };
}
