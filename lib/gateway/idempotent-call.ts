import "server-only";
import type { AgentCaller } from "@/lib/http/agent-caller";
import {
  claimIdempotencyKey,
  idempotencyBodyHash,
  parseIdempotencyKey,
  replayResponse,
  withIdempotency,
  type Claim,
  type StoredAnswer,
} from "./idempotency";

// Idempotency-Key on /agent and /v1/chat/completions (API keys only, per the contract), wrapped
// around the adapters: a repeat with the same bytes gets the stored answer, not a second call.

export interface IdempotencyScope {
  accountId: string;
  key: string;
  bodyHash: string;
}

/** The scope of a request's Idempotency-Key, or undefined when it has none or the caller is no API key. */
export function idempotencyScope(
  req: Request,
  caller: AgentCaller,
  endpoint: string,
  text: string,
): IdempotencyScope | undefined {
  if (caller.kind !== "key") return undefined;
  const key = parseIdempotencyKey(req.headers.get("idempotency-key"));
  if (key === undefined) return undefined;
  return { accountId: caller.key.accountId, key, bodyHash: idempotencyBodyHash(endpoint, text) };
}

/** A JSON answer, stored for repeats when the request is in a scope; a repeat gets it back marked replayed. */
export async function idempotentJson(
  scope: IdempotencyScope | undefined,
  run: () => Promise<Response>,
): Promise<Response> {
  if (!scope) return run();
  const r = await withIdempotency(scope, async () => stored(await run()));
  return r.replayed ? replayResponse(r) : new Response(r.body, { status: r.status, headers: r.headers });
}

/** A response as stored (the body read whole). */
export async function stored(res: Response): Promise<StoredAnswer> {
  return { status: res.status, headers: Object.fromEntries(res.headers), body: await res.text() };
}

/** For streams: claim before the first byte, complete (or release) when the stream ends. */
export async function claimForStream(scope: IdempotencyScope): Promise<{ claim: Claim } | { replay: StoredAnswer }> {
  const got = await claimIdempotencyKey(scope);
  return got.kind === "replay" ? { replay: got.answer } : { claim: got.claim };
}
