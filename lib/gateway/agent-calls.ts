import "server-only";
import { env } from "@/lib/env";
import { getDb } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { verifyInternalJwt } from "@/lib/jwt/verify";
import {
  markPaymentFailed,
  markPaymentSettled,
  paymentRequired,
  recordAcceptedPayment,
  settlePayment,
  verifyPaymentHeader,
  X402_MODEL_BUDGET_MS,
  type SettledPayment,
} from "@/lib/x402";
import { MODELS, findModel } from "./catalog";
import { resolveModel, runPaidCall, runProductCall, type AgentRequest, type AgentResponse } from "./agent";

const resourceUrl = () => `${env().APP_URL}/agent`;

/** First-party products: a verified internal JWT, metered with no balance impact. */
async function jwt(token: string, req: AgentRequest, requestId: string): Promise<AgentResponse> {
  const { product } = await verifyInternalJwt(token);
  return runProductCall(product, req, requestId);
}

/**
 * Keyless pay-per-call: verify the payment, persist it (replays are refused on every instance
 * from here on), run the model, and settle only after it succeeded — a failed call leaves the
 * payer whole. See lib/x402/README.md.
 */
async function x402(header: string, req: AgentRequest, requestId: string): Promise<{ response: AgentResponse; paymentResponseHeader: string }> {
  const { model } = resolveModel(req);
  const verified = await verifyPaymentHeader(header, model.x402PriceMicro, resourceUrl());
  const db = await getDb();
  await recordAcceptedPayment(db, { ...verified, requestId });
  let settled: SettledPayment | undefined;
  try {
    const response = await runPaidCall(
      verified.payer,
      req,
      requestId,
      BigInt(model.x402PriceMicro),
      async () => {
        settled = await settlePayment(verified);
        await markPaymentSettled(db, verified.messageHash, settled.transaction, settled.confirmed);
      },
      X402_MODEL_BUDGET_MS,
    );
    return { response, paymentResponseHeader: settled!.headerValue };
  } catch (err) {
    if (!settled) await markPaymentFailed(db, verified.messageHash).catch(() => {});
    throw err;
  }
}

/** The 402 for a caller with no credentials, priced for the model asked for (or the cheapest). */
async function paymentRequiredError(modelId: string | undefined): Promise<AppError> {
  const model = (modelId && findModel(modelId)) || [...MODELS].sort((a, b) => a.x402PriceMicro - b.x402PriceMicro)[0]!;
  const message =
    "This call needs payment. Either send 'Authorization: Bearer <API key>' (create a key in the Solrouter dashboard and top up your balance), " +
    `or pay per call with x402: ${model.x402PriceMicro / 1_000_000} USDC for ${model.id}, as the PAYMENT-REQUIRED header describes.`;
  try {
    const { headerValue } = await paymentRequired(model.x402PriceMicro, resourceUrl());
    return new AppError("payment_required", message, { headers: { "PAYMENT-REQUIRED": headerValue, "cache-control": "no-store" } });
  } catch {
    // x402 not configured or the facilitator unreachable: the API-key way still works.
    return new AppError("payment_required", message);
  }
}

export const agentCalls = { jwt, x402, paymentRequired: paymentRequiredError };
