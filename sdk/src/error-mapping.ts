import { decodeBase64Json, isRecord } from "./base64-json.js";
import * as errors from "./errors.js";
import type { SolRouterErrorOptions } from "./errors.js";
import type { PaymentRequiredInfo } from "./types.js";

/** A response whose body was already read inside the attempt's timeout window. */
export interface BufferedResponse {
  status: number;
  statusText: string;
  headers: Headers;
  text: string;
}

// Codes used when the body is not the contract's JSON (e.g. a proxy's HTML 502 page).
const FALLBACK_CODES: Record<number, string> = {
  400: "invalid_request",
  401: "invalid_api_key",
  402: "payment_required",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "payload_too_large",
  429: "rate_limited",
  502: "upstream_error",
  503: "unavailable",
};

const MAX_SNIPPET = 200;

/**
 * Parses Retry-After as delta-seconds or an HTTP-date, returning whole seconds (never negative).
 * `now` is injectable for tests.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

export function decodePaymentRequired(header: string | null): PaymentRequiredInfo | undefined {
  const decoded = decodeBase64Json(header);
  if (!isRecord(decoded) || !Array.isArray(decoded.accepts)) return undefined;
  return decoded as unknown as PaymentRequiredInfo;
}

function readContractError(text: string): { code: string; message: string } | undefined {
  try {
    const body = JSON.parse(text) as unknown;
    const error = isRecord(body) ? body.error : undefined;
    if (isRecord(error) && typeof error.code === "string") {
      const message = typeof error.message === "string" && error.message ? error.message : error.code;
      return { code: error.code, message };
    }
  } catch {
    // Not JSON; handled by the caller's fallback.
  }
  return undefined;
}

function fallbackMessage(res: BufferedResponse): string {
  const statusLine = `HTTP ${res.status}${res.statusText ? ` ${res.statusText}` : ""}`;
  const snippet = res.text.replace(/\s+/g, " ").trim().slice(0, MAX_SNIPPET);
  return snippet ? `${statusLine}: ${snippet}` : statusLine;
}

/**
 * Turns a non-2xx response into the matching typed error; unknown codes still map by status.
 * `knownPaymentRequired` is the challenge seen earlier in an x402 exchange, used when the final
 * 402 (e.g. `payment_invalid`) carries no header of its own.
 */
export function errorFromResponse(
  res: BufferedResponse,
  knownPaymentRequired?: PaymentRequiredInfo,
): errors.SolRouterError {
  const parsed = readContractError(res.text);
  const code = parsed?.code ?? FALLBACK_CODES[res.status] ?? "http_error";
  const options: SolRouterErrorOptions = {
    code,
    message: parsed?.message ?? fallbackMessage(res),
    status: res.status,
    requestId: res.headers.get("x-request-id") ?? undefined,
  };
  const retryAfter = parseRetryAfter(res.headers.get("retry-after"));

  switch (code) {
    case "insufficient_balance":
      return new errors.InsufficientBalanceError(options);
    case "key_spend_limit":
      return new errors.SpendLimitError(options);
    case "payment_required":
    case "payment_invalid":
      return paymentError(options, res, knownPaymentRequired);
    case "rate_limited":
      return new errors.RateLimitError({ ...options, retryAfter });
    default:
      break;
  }
  switch (res.status) {
    case 400:
      return new errors.InvalidRequestError(options);
    case 401:
      return new errors.AuthenticationError(options);
    case 402:
      return paymentError(options, res, knownPaymentRequired);
    case 403:
      return new errors.PermissionDeniedError(options);
    case 404:
      return new errors.NotFoundError(options);
    case 409:
      return new errors.ConflictError(options);
    case 413:
      return new errors.PayloadTooLargeError(options);
    case 429:
      return new errors.RateLimitError({ ...options, retryAfter });
    case 502:
      return new errors.UpstreamError(options);
    case 503:
      return new errors.UnavailableError({ ...options, retryAfter });
    default:
      return new errors.SolRouterError(options);
  }
}

function paymentError(
  options: SolRouterErrorOptions,
  res: BufferedResponse,
  knownPaymentRequired: PaymentRequiredInfo | undefined,
): errors.PaymentRequiredError {
  return new errors.PaymentRequiredError({
    ...options,
    paymentRequired: decodePaymentRequired(res.headers.get("payment-required")) ?? knownPaymentRequired,
  });
}
