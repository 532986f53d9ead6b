import type { PaymentRequiredInfo } from "./types.js";

export interface SolRouterErrorOptions {
  code: string;
  message: string;
  status?: number;
  requestId?: string;
  cause?: unknown;
}

/**
 * Root of every error the SDK throws, so callers can `catch (e) { if (e instanceof SolRouterError) … }`
 * and branch on the stable snake_case `code` rather than on message text.
 * Errors never hold request headers, so a credential cannot leak through logging one.
 */
export class SolRouterError extends Error {
  readonly code: string;
  /** HTTP status, or undefined when the error happened before a response arrived. */
  readonly status: number | undefined;
  /** The server's `x-request-id`, worth quoting in support requests. */
  readonly requestId: string | undefined;
  // Spelled out in every subclass because minifiers rename classes, so `constructor.name` is unreliable.
  override name = "SolRouterError";

  constructor(options: SolRouterErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.status = options.status;
    this.requestId = options.requestId;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      status: this.status,
      message: this.message,
      requestId: this.requestId,
    };
  }
}

// The kinds below differ only in their name, given as a string because minifiers rename classes.
function named(name: string): typeof SolRouterError {
  return class extends SolRouterError {
    override name = name;
  };
}

/** Bad client setup: missing or malformed credentials, bad options, missing optional packages. */
export class ConfigurationError extends named("ConfigurationError") {}

/** 401: the API key is unknown, revoked or expired, or the token is invalid. */
export class AuthenticationError extends named("AuthenticationError") {}

/** 402 `insufficient_balance`: top up the account's prepaid balance. */
export class InsufficientBalanceError extends named("InsufficientBalanceError") {}

/** 402 `key_spend_limit`: this API key hit the spend limit its owner set. */
export class SpendLimitError extends named("SpendLimitError") {}

/**
 * 402 `payment_required` / `payment_invalid`, or an x402 payment the SDK refused or failed to make.
 * `paymentRequired` is the decoded PAYMENT-REQUIRED header so callers can see what was asked for.
 */
export class PaymentRequiredError extends SolRouterError {
  override name = "PaymentRequiredError";
  readonly paymentRequired: PaymentRequiredInfo | undefined;

  constructor(options: SolRouterErrorOptions & { paymentRequired?: PaymentRequiredInfo }) {
    super(options);
    this.paymentRequired = options.paymentRequired;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), paymentRequired: this.paymentRequired };
  }
}

/** 400 `invalid_request` / `unknown_model`. */
export class InvalidRequestError extends named("InvalidRequestError") {}

/** 403 `model_not_allowed`, `key_not_allowed`, `forbidden`: this key may not do that (allowlist, key kind, limits). */
export class PermissionDeniedError extends named("PermissionDeniedError") {}

/** 404 `not_found`: no such key or generation for this credential. */
export class NotFoundError extends named("NotFoundError") {}

/** 409 `idempotency_conflict`, `idempotency_in_progress`, `too_many_keys`, `too_many_topups`. */
export class ConflictError extends named("ConflictError") {}

/** 413: the prompt is larger than the server accepts. */
export class PayloadTooLargeError extends named("PayloadTooLargeError") {}

/**
 * What 429 and 503 share: the server's Retry-After in seconds, when it sent one.
 * Internal (not exported from the package): callers catch RateLimitError or UnavailableError.
 */
export abstract class RetryAfterError extends SolRouterError {
  readonly retryAfter: number | undefined;

  constructor(options: SolRouterErrorOptions & { retryAfter?: number }) {
    super(options);
    this.retryAfter = options.retryAfter;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfter: this.retryAfter };
  }
}

/** 429: slow down; `retryAfter` is the server's Retry-After in seconds when it sent one. */
export class RateLimitError extends RetryAfterError {
  override name = "RateLimitError";
}

/** 502: the model provider behind Solrouter failed. */
export class UpstreamError extends named("UpstreamError") {}

/** 503: Solrouter is temporarily unavailable; `retryAfter` is set when the server sent one. */
export class UnavailableError extends RetryAfterError {
  override name = "UnavailableError";
}

/** No usable HTTP response: DNS/TCP/TLS failure, reset connection, or `timeoutMs` elapsed (`code: "timeout"`). */
export class APIConnectionError extends SolRouterError {
  override name = "APIConnectionError";

  constructor(options: Omit<SolRouterErrorOptions, "code"> & { code?: "connection_error" | "timeout" }) {
    super({ ...options, code: options.code ?? "connection_error" });
  }
}

/** The caller's own AbortSignal fired; never retried. */
export class APIUserAbortError extends SolRouterError {
  override name = "APIUserAbortError";

  constructor(options: Omit<SolRouterErrorOptions, "code">) {
    super({ ...options, code: "aborted" });
  }
}
