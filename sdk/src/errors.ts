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

  constructor(options: SolRouterErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    // Explicit names survive minifiers that rename classes.
    this.name = "SolRouterError";
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

/** Bad client setup: missing or malformed credentials, bad options, missing optional packages. */
export class ConfigurationError extends SolRouterError {
  constructor(options: SolRouterErrorOptions) {
    super(options);
    this.name = "ConfigurationError";
  }
}

/** 401: the API key is unknown, revoked or expired, or the token is invalid. */
export class AuthenticationError extends SolRouterError {
  constructor(options: SolRouterErrorOptions) {
    super(options);
    this.name = "AuthenticationError";
  }
}

/** 402 `insufficient_balance`: top up the account's prepaid balance. */
export class InsufficientBalanceError extends SolRouterError {
  constructor(options: SolRouterErrorOptions) {
    super(options);
    this.name = "InsufficientBalanceError";
  }
}

/** 402 `key_spend_limit`: this API key hit the spend limit its owner set. */
export class SpendLimitError extends SolRouterError {
  constructor(options: SolRouterErrorOptions) {
    super(options);
    this.name = "SpendLimitError";
  }
}

/**
 * 402 `payment_required` / `payment_invalid`, or an x402 payment the SDK refused or failed to make.
 * `paymentRequired` is the decoded PAYMENT-REQUIRED header so callers can see what was asked for.
 */
export class PaymentRequiredError extends SolRouterError {
  readonly paymentRequired: PaymentRequiredInfo | undefined;

  constructor(options: SolRouterErrorOptions & { paymentRequired?: PaymentRequiredInfo }) {
    super(options);
    this.name = "PaymentRequiredError";
    this.paymentRequired = options.paymentRequired;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), paymentRequired: this.paymentRequired };
  }
}

/** 400 `invalid_request` / `unknown_model`. */
export class InvalidRequestError extends SolRouterError {
  constructor(options: SolRouterErrorOptions) {
    super(options);
    this.name = "InvalidRequestError";
  }
}

/** 413: the prompt is larger than the server accepts. */
export class PayloadTooLargeError extends SolRouterError {
  constructor(options: SolRouterErrorOptions) {
    super(options);
    this.name = "PayloadTooLargeError";
  }
}

/** 429: slow down; `retryAfter` is the server's Retry-After in seconds when it sent one. */
export class RateLimitError extends SolRouterError {
  readonly retryAfter: number | undefined;

  constructor(options: SolRouterErrorOptions & { retryAfter?: number }) {
    super(options);
    this.name = "RateLimitError";
    this.retryAfter = options.retryAfter;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), retryAfter: this.retryAfter };
  }
}

/** 502: the model provider behind Solrouter failed. */
export class UpstreamError extends SolRouterError {
  constructor(options: SolRouterErrorOptions) {
    super(options);
    this.name = "UpstreamError";
  }
}

/** 503: Solrouter is temporarily unavailable; `retryAfter` is set when the server sent one. */
export class UnavailableError extends SolRouterError {
  readonly retryAfter: number | undefined;

  constructor(options: SolRouterErrorOptions & { retryAfter?: number }) {
    super(options);
    this.name = "UnavailableError";
    this.retryAfter = options.retryAfter;
  }
}

/** No usable HTTP response: DNS/TCP/TLS failure, reset connection, or `timeoutMs` elapsed (`code: "timeout"`). */
export class APIConnectionError extends SolRouterError {
  constructor(options: Omit<SolRouterErrorOptions, "code"> & { code?: "connection_error" | "timeout" }) {
    super({ ...options, code: options.code ?? "connection_error" });
    this.name = "APIConnectionError";
  }
}

/** The caller's own AbortSignal fired; never retried. */
export class APIUserAbortError extends SolRouterError {
  constructor(options: Omit<SolRouterErrorOptions, "code">) {
    super({ ...options, code: "aborted" });
    this.name = "APIUserAbortError";
  }
}
