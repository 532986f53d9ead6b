import "server-only";
import { encodePaymentRequiredHeader } from "@x402/core/http";
import type { PaymentRequired, PaymentRequirements } from "@x402/core/types";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";
import { getFacilitator } from "./facilitator";

// How long the payer should give us to answer. Not enforced for Solana `exact` payments (the
// transaction's blockhash, ~60–90 s, is the real deadline); x402 clients read it as a hint.
export const X402_MAX_TIMEOUT_SECONDS = 90;
export const X402_SCHEME = "exact";

/** USDC has 6 decimals, so a micro-USD price is exactly its amount in base units. */
export function priceToAtomic(priceMicro: number | bigint): string {
  const n = BigInt(priceMicro);
  if (n <= 0n || (typeof priceMicro === "number" && !Number.isSafeInteger(priceMicro))) {
    throw new Error(`x402 price must be a positive whole number of micro-USD, got ${priceMicro}`);
  }
  return n.toString();
}

export function paymentTargets(): { asset: string; payTo: string } {
  const e = env();
  if (!e.USDC_MINT || !e.TREASURY_ADDRESS) {
    throw new AppError("unavailable", "Pay-per-call (x402) is not configured on this server. Use an API key instead.");
  }
  return { asset: e.USDC_MINT, payTo: e.TREASURY_ADDRESS };
}

/** Our one `exact` requirement for a price: the only thing a payment is ever checked against. */
export async function paymentRequirement(priceMicro: number | bigint, feePayer?: string): Promise<PaymentRequirements> {
  const f = await getFacilitator();
  const { asset, payTo } = paymentTargets();
  return {
    scheme: X402_SCHEME,
    network: f.network,
    asset,
    amount: priceToAtomic(priceMicro),
    payTo,
    maxTimeoutSeconds: X402_MAX_TIMEOUT_SECONDS,
    extra: { feePayer: feePayer ?? f.feePayer },
  };
}

/**
 * The x402 v2 challenge for one call: the base64 PAYMENT-REQUIRED header value and the object.
 * `error` is the human-readable reason shown to x402 clients (e.g. why a payment was refused).
 */
export async function paymentRequired(
  modelPriceMicro: number | bigint,
  resourceUrl: string,
  description = "One call to a Solrouter LLM, paid in USDC",
  error = "Payment required",
  extensions: (network: string) => Promise<Record<string, unknown>> | Record<string, unknown> = () => ({}),
): Promise<{ headerValue: string; paymentRequired: PaymentRequired }> {
  const requirement = await paymentRequirement(modelPriceMicro);
  const paymentRequired: PaymentRequired = {
    x402Version: 2,
    error,
    resource: { url: resourceUrl, description, mimeType: "application/json", serviceName: "Solrouter" },
    accepts: [requirement],
    extensions: await extensions(requirement.network),
  };
  return { headerValue: encodePaymentRequiredHeader(paymentRequired), paymentRequired };
}
