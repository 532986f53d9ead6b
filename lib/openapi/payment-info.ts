import "server-only";
import { costMicro, MODELS, type Model } from "@/lib/models";

// `x-payment-info` of an x402-payable operation in the structured form x402scan's discovery
// (@agentcash/discovery) reads: `price` {mode, currency, …} with USD decimal strings and
// `protocols: [{x402: {}}]` (not the legacy flat form with pricingMode and a string price; the
// two must not be mixed). Our price is not fixed: a call is quoted from its body (prompt bytes
// and output budget at the model's token prices) and never below the model's x402PriceMicro, so
// the mode is "dynamic", with min/max over the catalogue for readers that look, `description`
// saying how the quote is made and `models` giving each model's own figures in micro-USD.

/** Integer micro-USD as a USD decimal string with no trailing zeros ("0.001"). */
export function usdString(micro: bigint | number): string {
  const m = BigInt(micro);
  const whole = m / 1_000_000n;
  const frac = (m % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac}` : `${whole}`;
}

/**
 * The most one call to the model can cost: the context filled with input and output (output at
 * most maxOutputTokens), the cost being linear in each, so one of the two extremes is the maximum.
 */
export function maxCallMicro(m: Model): bigint {
  const allOutput = Math.min(m.maxOutputTokens, m.contextLength);
  const a = costMicro(m, m.contextLength - allOutput, allOutput);
  const b = costMicro(m, m.contextLength, 0);
  const top = a > b ? a : b;
  return top > BigInt(m.x402PriceMicro) ? top : BigInt(m.x402PriceMicro);
}

export interface PaymentInfo {
  price: { mode: "dynamic"; currency: "USD"; min: string; max: string };
  protocols: { x402: Record<string, never> }[];
  description: string;
  models: {
    id: string;
    x402PriceMicro: number;
    minPrice: string;
    maxPrice: string;
    inputPriceMicroPerMTok: number;
    outputPriceMicroPerMTok: number;
    contextLength: number;
    maxOutputTokens: number;
  }[];
}

export function paymentInfo(bodyRule: string, models: readonly Model[] = MODELS): PaymentInfo {
  const mins = models.map((m) => BigInt(m.x402PriceMicro));
  const maxes = models.map(maxCallMicro);
  const least = mins.reduce((a, b) => (b < a ? b : a));
  const most = maxes.reduce((a, b) => (b > a ? b : a));
  return {
    price: { mode: "dynamic", currency: "USD", min: usdString(least), max: usdString(most) },
    protocols: [{ x402: {} }],
    description:
      `Priced per call from its body: ${bodyRule}, at the model's per-million-token prices, rounded up to a whole ` +
      "micro-USD, and at least the model's x402PriceMicro. Send the body without credentials to get its exact " +
      "price in the 402's PAYMENT-REQUIRED header (USDC on Solana, scheme exact). With an API key the same call " +
      "is billed from the prepaid balance at the token prices instead.",
    models: models.map((m, i) => ({
      id: m.id,
      x402PriceMicro: m.x402PriceMicro,
      minPrice: usdString(mins[i]!),
      maxPrice: usdString(maxes[i]!),
      inputPriceMicroPerMTok: m.inputPriceMicroPerMTok,
      outputPriceMicroPerMTok: m.outputPriceMicroPerMTok,
      contextLength: m.contextLength,
      maxOutputTokens: m.maxOutputTokens,
    })),
  };
}
