import "server-only";
import { AppError } from "@/lib/errors";
import { resolveApiKey, type ResolvedKey } from "@/lib/keys/resolve";
import { API_KEY_PREFIX } from "@/lib/keys/format";
import { SIWX_HEADER } from "@/lib/x402/siwx";

export type AgentCaller =
  | { kind: "key"; key: ResolvedKey }
  | { kind: "jwt"; token: string }
  | { kind: "siwx"; proof: string; paymentHeader: string | null }
  | { kind: "x402"; paymentHeader: string }
  | { kind: "none" };

/**
 * Who is calling /agent, in the contract's order: an API key, an internal JWT, a sign-in-with-x
 * proof (spending the wallet's balance; its payment header, if any, is the fallback), an x402
 * payment. API keys are checked here in full (shape, checksum, cache, revocation); JWTs, proofs
 * and payments are verified by their own modules in the gateway.
 */
export async function resolveAgentCaller(req: Request): Promise<AgentCaller> {
  const auth = req.headers.get("authorization");
  if (auth !== null) {
    const m = /^Bearer[ ]+([!-~]{1,4096})$/.exec(auth.trim());
    if (!m) throw new AppError("invalid_api_key", "Send your key as 'Authorization: Bearer sk_solrouter_…'.");
    const token = m[1]!;
    if (token.startsWith(API_KEY_PREFIX)) return { kind: "key", key: await resolveApiKey(token) };
    if (token.split(".").length === 3) return { kind: "jwt", token };
    throw new AppError("invalid_api_key", "The API key is not valid.");
  }
  const payment = req.headers.get("payment-signature");
  const proof = req.headers.get(SIWX_HEADER);
  if (proof) return { kind: "siwx", proof, paymentHeader: payment || null };
  if (payment) return { kind: "x402", paymentHeader: payment };
  return { kind: "none" };
}
