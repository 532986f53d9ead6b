import "server-only";
import { env } from "@/lib/env";
import { getDb } from "@/lib/db";
import { AppError, isAppError } from "@/lib/errors";
import { verifyInternalJwt } from "@/lib/jwt/verify";
import { logger } from "@/lib/log";
import {
  failPaidCall,
  markPaymentSettled,
  paymentRequired,
  recordAcceptedPayment,
  recordPaidUsage,
  settlePayment,
  verifyPaymentHeader,
  X402_MODEL_BUDGET_MS,
  type SettledPayment,
} from "@/lib/x402";
import { MODELS, type Model } from "./catalog";
import { AgentBody, resolveModel, runPaidCall, runProductCall, x402Price, type AgentRequest, type AgentResponse, type PaidCallSteps } from "./agent";

const resourceUrl = () => `${env().APP_URL}/agent`;

/** First-party products: a verified internal JWT, metered with no balance impact. */
async function jwt(token: string, req: AgentRequest, requestId: string): Promise<AgentResponse> {
  const { product } = await verifyInternalJwt(token);
  return runProductCall(product, req, requestId);
}

/**
 * Keyless pay-per-call: verify the payment for this body's quote, persist it (replays are
 * refused on every instance from here on), run the model, record the usage in its own
 * transaction, then settle; a failed settlement undoes the record. See lib/x402/README.md.
 */
async function x402(header: string, req: AgentRequest, requestId: string): Promise<{ response: AgentResponse; paymentResponseHeader: string }> {
  const { model, maxTokens } = resolveModel(req);
  // The payment must be for exactly this body's quote (the same one its 402 stated).
  const price = x402Price(model, req.prompt, maxTokens);
  const verified = await verifyPaymentHeader(header, price, resourceUrl());
  const db = await getDb();
  await recordAcceptedPayment(db, { ...verified, requestId });
  let settled: SettledPayment | undefined;
  const steps: PaidCallSteps = {
    async record(u) {
      try {
        await recordPaidUsage(db, verified.messageHash, { ...u, payer: verified.payer });
      } catch (err) {
        logger().warn({ err, messageHash: verified.messageHash }, "x402 usage could not be recorded; payment not settled");
        throw new AppError("unavailable", "The call could not be recorded, so the payment was not collected. Please retry with a new payment.");
      }
    },
    async pay() {
      try {
        settled = await settlePayment(verified);
      } catch (err) {
        await failPaidCall(db, verified.messageHash);
        throw err;
      }
      // Collected: the answer is owed even if this bookkeeping fails (recovery finishes it).
      await markPaymentSettled(db, verified.messageHash, settled.transaction, settled.confirmed).catch((err: unknown) =>
        logger().warn({ err, messageHash: verified.messageHash }, "x402 settled payment left settling"),
      );
    },
  };
  try {
    const response = await runPaidCall(verified.payer, req, requestId, price, steps, X402_MODEL_BUDGET_MS);
    return { response, paymentResponseHeader: settled!.headerValue };
  } catch (err) {
    if (!settled) await failPaidCall(db, verified.messageHash).catch(() => {});
    throw err;
  }
}

const cheapest = (): Model => [...MODELS].sort((a, b) => a.x402PriceMicro - b.x402PriceMicro)[0]!;

const SCALING =
  "An x402 call costs what a prepaid call would reserve for it — the prompt's UTF-8 bytes (plus 32 template tokens) at the model's input price and maxTokens at its output price, " +
  "rounded up to a whole micro-USD — and at least the model's x402PriceMicro (GET /api/models).";

/**
 * The 402 for a caller with no credentials. A parsable body gets the exact price of that body
 * (and its 400 if it cannot be served, before anything is paid); without one, the minimum of
 * the model asked for (or the cheapest) and how the price scales.
 */
async function paymentRequiredError(body: unknown): Promise<AppError> {
  const parsed = AgentBody.safeParse(body);
  let quote: { model: Model; price: bigint; exact: boolean };
  if (parsed.success) {
    let resolved: ReturnType<typeof resolveModel> | undefined;
    try {
      resolved = resolveModel(parsed.data);
    } catch (err) {
      // Too long for the model, or maxTokens too large: say so now rather than take a payment.
      if (!isAppError(err) || err.code !== "unknown_model") throw err;
    }
    quote = resolved
      ? { model: resolved.model, price: x402Price(resolved.model, parsed.data.prompt, resolved.maxTokens), exact: true }
      : { model: cheapest(), price: BigInt(cheapest().x402PriceMicro), exact: false };
  } else {
    const asked = MODELS.find((m) => m.id === (body as { model?: unknown } | null)?.model) ?? cheapest();
    quote = { model: asked, price: BigInt(asked.x402PriceMicro), exact: false };
  }
  const usdc = (Number(quote.price) / 1_000_000).toFixed(6);
  const message =
    "This call needs payment. Either send 'Authorization: Bearer <API key>' (create a key in the Solrouter dashboard and top up your balance), " +
    (quote.exact
      ? `or pay per call with x402: ${usdc} USDC for this request to ${quote.model.id}, as the PAYMENT-REQUIRED header describes. ${SCALING}`
      : `or pay per call with x402: from ${usdc} USDC for ${quote.model.id}. ${SCALING} Send the request's JSON body to get its exact price.`);
  try {
    const description = quote.exact ? `One call to ${quote.model.id}, priced for this request, paid in USDC` : `One call to ${quote.model.id} (minimum price; send the body for its quote), paid in USDC`;
    const { headerValue } = await paymentRequired(quote.price, resourceUrl(), description);
    return new AppError("payment_required", message, { headers: { "PAYMENT-REQUIRED": headerValue, "cache-control": "no-store" } });
  } catch {
    // x402 not configured or the facilitator unreachable: the API-key way still works.
    return new AppError("payment_required", message);
  }
}

export const agentCalls = { jwt, x402, paymentRequired: paymentRequiredError };
