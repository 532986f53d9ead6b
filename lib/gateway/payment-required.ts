import "server-only";
import { AppError, isAppError } from "@/lib/errors";
import { MODELS, type Model } from "@/lib/models";
import { paymentRequired } from "@/lib/x402";
import { siwxChallenge } from "@/lib/x402/siwx";

const cheapest = (): Model => [...MODELS].sort((a, b) => a.x402PriceMicro - b.x402PriceMicro)[0]!;

/**
 * How one endpoint quotes a body: its model and exact x402 price (throwing the body's 400 when
 * it cannot be served), or null when the body is not a valid request of that endpoint.
 */
export type BodyQuote = (body: unknown) => { model: Model; price: bigint } | null;

/** What one payable route tells a caller who has not paid: its URL, how it prices a body, its discovery extension. */
export interface Paywall {
  resourceUrl: () => string;
  quote: BodyQuote;
  /** How the price scales with the body, in words. */
  scaling: string;
  /** The route's x402 `bazaar` discovery extension. */
  discovery: () => Record<string, unknown>;
}

type Quote = { model: Model; price: bigint; exact: boolean };

/**
 * The 402 for a caller with no credentials. A parsable body gets the exact price of that body
 * (and its 400 if it cannot be served, before anything is paid); without one, the minimum of
 * the model asked for (or the cheapest) and how the price scales.
 */
export async function paymentRequiredError(body: unknown, paywall: Paywall): Promise<AppError> {
  let quote: Quote | undefined;
  try {
    const q = paywall.quote(body);
    if (q) quote = { ...q, exact: true };
  } catch (err) {
    // Too long for the model, or the output limit too large: say so now rather than take a payment.
    if (!isAppError(err) || err.code !== "unknown_model") throw err;
  }
  if (!quote) {
    const asked = MODELS.find((m) => m.id === (body as { model?: unknown } | null)?.model) ?? cheapest();
    quote = { model: asked, price: BigInt(asked.x402PriceMicro), exact: false };
  }
  return quotedPaymentRequired(quote, paywall);
}

/**
 * The 402 for a quoted call. PAYMENT-REQUIRED carries the route's discovery extension and a fresh
 * sign-in-with-x challenge, so a wallet with a Solrouter balance can spend it instead of paying.
 * `reason` leads the message (e.g. why a signed-in wallet could not pay from its balance).
 */
export async function quotedPaymentRequired(quote: Quote, paywall: Paywall, reason = ""): Promise<AppError> {
  const usdc = (Number(quote.price) / 1_000_000).toFixed(6);
  const message =
    reason +
    "This call needs payment. Either send 'Authorization: Bearer <API key>' (create a key in the Solrouter dashboard and top up your balance; " +
    "a wallet with a Solrouter balance can instead sign the sign-in-with-x challenge in PAYMENT-REQUIRED), " +
    (quote.exact
      ? `or pay per call with x402: ${usdc} USDC for this request to ${quote.model.id}, as the PAYMENT-REQUIRED header describes. ${paywall.scaling}`
      : `or pay per call with x402: from ${usdc} USDC for ${quote.model.id}. ${paywall.scaling} Send the request's JSON body to get its exact price.`);
  try {
    const description = quote.exact
      ? `One call to ${quote.model.id}, priced for this request, paid in USDC`
      : `One call to ${quote.model.id} (minimum price; send the body for its quote), paid in USDC`;
    const resourceUrl = paywall.resourceUrl();
    const extensions = async (network: string) => ({
      ...paywall.discovery(),
      ...(await siwxChallenge(resourceUrl, network)),
    });
    const { headerValue } = await paymentRequired(quote.price, resourceUrl, description, undefined, extensions);
    return new AppError("payment_required", message, {
      headers: { "PAYMENT-REQUIRED": headerValue, "cache-control": "no-store" },
    });
  } catch {
    // x402 not configured or the facilitator unreachable: the API-key way still works.
    return new AppError("payment_required", message);
  }
}
