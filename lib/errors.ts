// Typed errors that domain code throws. Their codes are the contract's; lib/http maps them to
// HTTP statuses, so domain code never deals with HTTP.
/** What a client is told about a failure of ours: nothing about its cause. */
export const INTERNAL_ERROR_MESSAGE = "Something went wrong on our side. Please try again.";

export const ERROR_STATUS = {
  invalid_request: 400,
  unknown_model: 400,
  context_length_exceeded: 400,
  unauthenticated: 401,
  invalid_signature: 401,
  invalid_message: 401,
  nonce_unknown: 401,
  nonce_used: 401,
  message_expired: 401,
  domain_mismatch: 401,
  invalid_transaction: 401,
  invalid_api_key: 401,
  revoked_api_key: 401,
  expired_api_key: 401,
  invalid_token: 401,
  insufficient_balance: 402,
  key_spend_limit: 402,
  payment_required: 402,
  payment_invalid: 402,
  bad_origin: 403,
  forbidden: 403,
  model_not_allowed: 403,
  key_not_allowed: 403,
  not_found: 404,
  method_not_allowed: 405,
  too_many_keys: 409,
  too_many_topups: 409,
  idempotency_conflict: 409,
  idempotency_in_progress: 409,
  payload_too_large: 413,
  deposit_invalid: 422,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
  unavailable: 503,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

// Next may load this module once per route bundle, and objects shared on globalThis (caches,
// the gateway runtime) can throw another copy's AppError: recognise it by a global brand, not
// by instanceof.
const BRAND = Symbol.for("solrouter.AppError");

export class AppError extends Error {
  readonly [BRAND] = true;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extra: {
      retryAfterSeconds?: number;
      headers?: Record<string, string>;
      body?: Record<string, unknown>;
    } = {},
  ) {
    super(message);
    this.name = "AppError";
  }
}

export function isAppError(err: unknown): err is AppError {
  return typeof err === "object" && err !== null && (err as Record<symbol, unknown>)[BRAND] === true;
}
