import "server-only";
import { sql, type SQL } from "drizzle-orm";
import type { Queryable } from "@/lib/db";

// usage_events (and through its trigger usage_hourly) for the gateway's hot path: the ids a call
// learns before it runs, and the settlement batch's insert of the calls it serves.

/** `n` fresh usage event ids (not necessarily consecutive), drawn ahead so a call knows its id from its first byte. */
export async function drawUsageIds(q: Queryable, n: number): Promise<bigint[]> {
  const rows = await q.rows<{ id: string }>(
    sql`SELECT nextval('usage_events_id_seq')::text AS id FROM generate_series(1, ${n}::int)`,
  );
  return rows.map((r) => BigInt(r.id));
}

/**
 * Settlement batch: the usage events of the calls it serves (expects the batch input `it` and the
 * decisions `dec(n, ok)`: a call refused there gets no event). The hourly rollup follows through
 * usage_events' trigger. Defines `ev`.
 */
export function batchUsageEvents(): SQL {
  return sql`ev AS (
    INSERT INTO usage_events (id, account_id, key_id, auth_kind, product, model, input_tokens, output_tokens, cost_micro, latency_ms, status, request_id, created_at)
    SELECT id, account_id, key_id, auth_kind, product, model, input_tokens, output_tokens, cost_micro, latency_ms, status, request_id, created_at
    FROM it WHERE NOT EXISTS (SELECT 1 FROM dec WHERE dec.n = it.n AND NOT dec.ok)
    RETURNING 1
  )`;
}
