// The x402 tier as the gateway uses it; see README.md in this folder for the call order.
export { getFacilitator, x402Network, type Facilitator } from "./facilitator";
export { paymentRequired, paymentRequirement, X402_MAX_TIMEOUT_SECONDS } from "./requirements";
export {
  verifyPaymentHeader,
  settlePayment,
  X402_MODEL_BUDGET_MS,
  type VerifiedPayment,
  type SettledPayment,
} from "./verify";
export {
  recordAcceptedPayment,
  markPaymentSettled,
  markPaymentFailed,
  findPayment,
  type AcceptedPayment,
} from "./payments";
export { discoveryDocument, type DiscoveryDocument } from "./discovery";
export {
  recordPaidUsage,
  failPaidCall,
  recoverX402Payments,
  signatureState,
  startX402Recovery,
  X402_RECOVER_AFTER_MS,
  type PaidUsage,
} from "./settling";
