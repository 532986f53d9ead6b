import { errorFromResponse, type BufferedResponse } from "./error-mapping.js";
import { APIConnectionError, APIUserAbortError, RateLimitError, SolRouterError, UnavailableError } from "./errors.js";
import type { FetchLike, PaymentRequiredInfo } from "./types.js";

/** What one attempt learned; x402 mode fills it in from inside the payment wrapper. */
export interface AttemptState {
  /** A PAYMENT-SIGNATURE went out, so money may have moved: never retry this attempt. */
  paymentSent: boolean;
  /** The last PAYMENT-REQUIRED challenge seen, for error reporting. */
  paymentRequired?: PaymentRequiredInfo;
  /** Set when the underlying fetch itself threw (as opposed to payment code around it). */
  transportError?: unknown;
}

export interface SendOptions {
  url: string;
  init: Omit<RequestInit, "signal">;
  signal?: AbortSignal;
  timeoutMs: number;
  maxRetries: number;
  /** Returns the fetch for one attempt; x402 mode returns a per-attempt paying wrapper. */
  getFetch: (state: AttemptState) => Promise<FetchLike>;
  /** Lets x402 mode turn payment-library exceptions into typed errors. */
  mapThrown?: (error: unknown, state: AttemptState) => SolRouterError | undefined;
}

// Above this we surface the RateLimitError instead of silently stalling the caller for minutes.
const MAX_RETRY_AFTER_SECONDS = 60;
const BASE_BACKOFF_MS = 500;
const MAX_BACKOFF_MS = 8_000;
const RETRY_AFTER_JITTER_MS = 250;

/** Sends a request, retrying only failures that are safe and likely to succeed on a second try. */
export function send(options: SendOptions): Promise<BufferedResponse> {
  return withRetries(options, async (state) => {
    const res = await attemptOnce(options, state);
    if (res.status >= 200 && res.status < 300) return res;
    throw errorFromResponse(res, state.paymentRequired);
  });
}

/**
 * Runs `attempt` with a fresh AttemptState until it succeeds or its error must surface
 * (see `retryDelayMs`); shared by buffered and streaming requests.
 */
export async function withRetries<T>(options: SendOptions, attempt: (state: AttemptState) => Promise<T>): Promise<T> {
  for (let n = 0; ; n++) {
    const state: AttemptState = { paymentSent: false };
    let error: SolRouterError;
    try {
      return await attempt(state);
    } catch (thrown) {
      error = toSolRouterError(thrown, state, options);
    }
    const delay = retryDelayMs(error, n, options.maxRetries, state);
    if (delay === undefined) throw error;
    await sleep(delay, options.signal);
  }
}

/** One attempt's AbortController: it fires when the caller's signal does or when `timeoutMs` elapses. */
export interface AttemptAbort {
  controller: AbortController;
  /** Stops following the caller's signal. */
  detach(): void;
  clearTimer(): void;
  /** What a failed attempt throws: the caller's abort, a timeout, or the error itself. */
  failure(error: unknown): unknown;
}

export function attemptAbort({ signal, timeoutMs }: Pick<SendOptions, "signal" | "timeoutMs">): AttemptAbort {
  const controller = new AbortController();
  const onUserAbort = () => controller.abort(signal?.reason);
  signal?.addEventListener("abort", onUserAbort, { once: true });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  return {
    controller,
    detach: () => signal?.removeEventListener("abort", onUserAbort),
    clearTimer: () => clearTimeout(timer),
    failure: (error) => {
      if (signal?.aborted) return userAbort(signal);
      if (!timedOut) return error;
      return new APIConnectionError({
        code: "timeout",
        message: `Request to Solrouter timed out after ${timeoutMs} ms.`,
        cause: error,
      });
    },
  };
}

async function attemptOnce(options: SendOptions, state: AttemptState): Promise<BufferedResponse> {
  const { signal } = options;
  if (signal?.aborted) throw userAbort(signal);

  const { controller, detach, clearTimer, failure } = attemptAbort(options);
  // Racing the abort keeps the deadline even when something ignores the signal
  // (e.g. the x402 library's Solana RPC calls while it builds a payment).
  const abortedPromise = new Promise<never>((_, reject) => {
    controller.signal.addEventListener("abort", () => reject(controller.signal.reason), { once: true });
  });

  const run = async (): Promise<BufferedResponse> => {
    const fetchFn = await options.getFetch(state);
    const res = await fetchFn(options.url, { ...options.init, signal: controller.signal });
    // The body is read inside the deadline too: a server that stalls mid-body is still a timeout.
    const text = await res.text();
    return { status: res.status, statusText: res.statusText, headers: res.headers, text };
  };

  try {
    return await Promise.race([run(), abortedPromise]);
  } catch (error) {
    throw failure(error);
  } finally {
    clearTimer();
    detach();
  }
}

export function userAbort(signal: AbortSignal): APIUserAbortError {
  return new APIUserAbortError({ message: "The request was aborted by the caller.", cause: signal.reason });
}

export function toSolRouterError(
  thrown: unknown,
  state: AttemptState,
  options: Pick<SendOptions, "url" | "mapThrown">,
): SolRouterError {
  if (thrown instanceof SolRouterError) return thrown;
  const mapped = options.mapThrown?.(thrown, state);
  if (mapped) return mapped;
  const origin = safeOrigin(options.url);
  const reason = describeCause(thrown);
  return new APIConnectionError({
    message: `Could not reach Solrouter at ${origin}${reason ? `: ${reason}` : ""}.`,
    cause: thrown,
  });
}

function describeCause(error: unknown): string {
  if (!(error instanceof Error)) return "";
  // Node's fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND…) is in cause.
  const cause = (error as { cause?: unknown }).cause;
  const inner = cause instanceof Error ? ((cause as { code?: string }).code ?? cause.message) : undefined;
  return inner ? `${error.message} (${inner})` : error.message;
}

function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return "the configured base URL";
  }
}

/** Milliseconds to wait before retrying, or undefined when the error must surface now. */
export function retryDelayMs(
  error: SolRouterError,
  attempt: number,
  maxRetries: number,
  state: Pick<AttemptState, "paymentSent">,
): number | undefined {
  if (attempt >= maxRetries || state.paymentSent) return undefined;
  if (error instanceof RateLimitError || error instanceof UnavailableError) {
    const retryAfter = error.retryAfter;
    if (retryAfter === undefined) return backoffMs(attempt);
    if (retryAfter > MAX_RETRY_AFTER_SECONDS) return undefined;
    // Jitter goes on top so we never come back before the server asked us to.
    return retryAfter * 1000 + Math.random() * RETRY_AFTER_JITTER_MS;
  }
  // A timed-out POST may still be running (and billing) server-side; retrying could charge twice.
  if (error instanceof APIConnectionError && error.code !== "timeout") return backoffMs(attempt);
  return undefined;
}

function backoffMs(attempt: number): number {
  const ceiling = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** attempt);
  // Half fixed, half random: spreads simultaneous clients apart without ever retrying instantly.
  return ceiling / 2 + Math.random() * (ceiling / 2);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(userAbort(signal));
    const onAbort = () => {
      clearTimeout(timer);
      reject(userAbort(signal as AbortSignal));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
