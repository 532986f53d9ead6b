import "server-only";
import { getBase64Encoder, getTransactionDecoder } from "@solana/kit";
import { encodePaymentResponseHeader } from "@x402/core/http";
import { isPaymentPayloadV2 } from "@x402/core/schemas";
import {
  SettleError,
  VerifyError,
  type PaymentPayload,
  type PaymentRequirements,
  type SettleResponse,
  type VerifyResponse,
} from "@x402/core/types";
import { transactionMessageHash } from "@x402/svm";
import { AppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import { getFacilitator } from "./facilitator";
import { paymentRequirement, priceToAtomic } from "./requirements";

export interface VerifiedPayment {
  payer: string;
  /** base64(sha256(transaction message)): the payment's identity, unique in x402_payments. */
  messageHash: string;
  amount: bigint;
  network: string;
  payload: PaymentPayload;
  /** Our own requirement the payment was checked against (never the client's copy). */
  requirements: PaymentRequirements;
  resourceUrl: string;
}

export interface SettledPayment {
  /** base64 PAYMENT-RESPONSE header value. */
  headerValue: string;
  /** The on-chain transaction signature. */
  transaction: string;
  payer: string;
  /** false: broadcast but not confirmed within the facilitator's wait; it will most likely land. */
  confirmed: boolean;
}

/**
 * How long the gateway should let the model run on an x402 call. The payer's transaction carries
 * a blockhash that expires ~60–90 s after their client fetched it; settling after that fails and
 * the work is lost (see README.md), so leave room for the client's latency and the settlement.
 */
export const X402_MODEL_BUDGET_MS = 40_000;

// A Solana transaction is at most 1232 bytes; the whole payload fits in a few KB.
const MAX_HEADER_LENGTH = 16 * 1024;

function invalid(message: string, reason?: string): AppError {
  return new AppError("payment_invalid", message, reason ? { body: { reason } } : {});
}

/** Decodes the header the way @x402/core does, but with errors we control and no console noise. */
function decodeHeader(headerValue: string): PaymentPayload {
  const value = typeof headerValue === "string" ? headerValue.trim() : "";
  if (!value || value.length > MAX_HEADER_LENGTH || !/^[A-Za-z0-9+/]+={0,2}$/.test(value)) {
    throw invalid("The PAYMENT-SIGNATURE header is not base64.");
  }
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(value, "base64").toString("utf8"));
  } catch {
    throw invalid("The PAYMENT-SIGNATURE header is not base64-encoded JSON.");
  }
  if (!isPaymentPayloadV2(decoded)) throw invalid("The PAYMENT-SIGNATURE header is not an x402 version 2 payment.");
  return decoded as PaymentPayload;
}

function messageHashOf(payload: PaymentPayload): string {
  const tx = (payload.payload as { transaction?: unknown }).transaction;
  if (typeof tx !== "string" || !tx) throw invalid("The payment carries no Solana transaction.");
  try {
    return transactionMessageHash(getTransactionDecoder().decode(getBase64Encoder().encode(tx)));
  } catch {
    throw invalid("The payment's transaction cannot be decoded.");
  }
}

const REASONS: Record<string, string> = {
  invalid_exact_svm_payload_amount_mismatch: "The payment does not transfer exactly this call's price.",
  invalid_exact_svm_payload_recipient_mismatch: "The payment does not go to our treasury.",
  invalid_exact_svm_payload_mint_mismatch: "The payment is not in USDC.",
  invalid_exact_svm_transaction_simulation_failed:
    "The payment transaction would fail on chain (not enough USDC, an expired blockhash, or a missing token account).",
  invalid_exact_svm_payload_signature_invalid: "The payment transaction is not signed correctly.",
  invalid_exact_svm_fee_payer_not_managed_by_facilitator: "The payment names a fee payer we do not use.",
  duplicate_settlement: "This payment was already used.",
};

function refused(reason: string | undefined, fallback: string): AppError {
  const code = reason || "unknown";
  return invalid(REASONS[code] ?? `${fallback} (${code}).`, code);
}

/**
 * Checks a PAYMENT-SIGNATURE header against OUR requirement for this price, then with the
 * facilitator (signatures, instruction layout, amount, recipient, and a simulation on chain).
 * Throws AppError payment_invalid for anything the client got wrong (never a 5xx for garbage),
 * unavailable when a hosted facilitator cannot be reached.
 */
export async function verifyPaymentHeader(
  headerValue: string,
  expectedPriceMicro: number | bigint,
  resourceUrl: string,
): Promise<VerifiedPayment> {
  const payload = decodeHeader(headerValue);
  const f = await getFacilitator();
  const ours = await paymentRequirement(expectedPriceMicro);
  const accepted = payload.accepted;
  if (accepted.scheme !== ours.scheme) throw invalid("Only the x402 `exact` scheme is accepted.");
  if (accepted.network !== ours.network) throw invalid(`The payment is for another network; pay on ${ours.network}.`);
  if (accepted.asset !== ours.asset) throw invalid(`The payment is not in our USDC mint (${ours.asset}).`);
  if (accepted.payTo !== ours.payTo) throw invalid(`The payment must go to our treasury (${ours.payTo}).`);
  if (accepted.amount !== priceToAtomic(expectedPriceMicro)) {
    throw invalid(`The payment must be exactly ${ours.amount} USDC base units: the price quoted for this request.`);
  }
  // A hosted facilitator may advertise several fee payers; any of its own is fine.
  const feePayer = accepted.extra?.feePayer;
  if (typeof feePayer !== "string" || !f.feePayers.includes(feePayer))
    throw invalid("The payment names a fee payer we do not use.");
  const requirements: PaymentRequirements = { ...ours, extra: { ...ours.extra, feePayer } };
  const messageHash = messageHashOf(payload);

  let result: VerifyResponse;
  try {
    result = await f.client.verify(payload, requirements);
  } catch (err) {
    if (err instanceof VerifyError) throw refused(err.invalidReason, "The payment was refused");
    logger().warn({ err, facilitator: f.kind }, "x402 verify failed");
    if (f.kind !== "local")
      throw new AppError("unavailable", "The x402 payment service is unreachable right now. Try again shortly.");
    throw invalid("The payment could not be verified.");
  }
  if (!result.isValid) throw refused(result.invalidReason, "The payment was refused");
  if (!result.payer) throw invalid("The payment does not name a payer.");
  return {
    payer: result.payer,
    messageHash,
    amount: BigInt(requirements.amount),
    network: requirements.network,
    payload,
    requirements,
    resourceUrl,
  };
}

/**
 * Co-signs and sends the verified payment, waiting for confirmation. Call it only after the model
 * answered (see README.md: settle after success). Throws AppError payment_invalid if the payment
 * cannot be settled any more (the payer moved the funds, the blockhash expired, …).
 */
export async function settlePayment(verified: VerifiedPayment): Promise<SettledPayment> {
  const f = await getFacilitator();
  const attempt = async (): Promise<SettleResponse> => {
    try {
      return await f.client.settle(verified.payload, verified.requirements);
    } catch (err) {
      if (err instanceof SettleError)
        return {
          success: false,
          errorReason: err.errorReason,
          transaction: err.transaction ?? "",
          network: verified.requirements.network,
        };
      logger().warn({ err, facilitator: f.kind }, "x402 settle failed");
      return {
        success: false,
        errorReason: "facilitator_unreachable",
        transaction: "",
        network: verified.requirements.network,
      };
    }
  };
  let res = await attempt();
  // Broadcast but not yet confirmed: the facilitator remembers the signature and a second call
  // waits for that same transaction instead of sending it again.
  if (!res.success && res.errorReason === "settlement_pending") res = await attempt();
  const pending = !res.success && res.errorReason === "settlement_pending" && !!res.transaction;
  if (!res.success && !pending) {
    logger().warn({ reason: res.errorReason, messageHash: verified.messageHash }, "x402 settlement failed");
    throw refused(res.errorReason, "The payment could not be settled");
  }
  const response: SettleResponse = {
    success: true,
    transaction: res.transaction,
    network: res.network ?? verified.requirements.network,
    payer: res.payer || verified.payer,
  };
  return {
    headerValue: encodePaymentResponseHeader(response),
    transaction: res.transaction,
    payer: response.payer!,
    confirmed: !pending,
  };
}
