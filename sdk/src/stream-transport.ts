import { errorFromResponse } from "./error-mapping.js";
import { attemptAbort, userAbort, withRetries, type AttemptState, type SendOptions } from "./transport.js";

/** A 2xx response whose body is still to be read, and how to stop it. */
export interface OpenStream {
  response: Response;
  /** Closes the connection (the server sees the client leave). */
  abort(): void;
  /** The caller's signal fired (as opposed to a network failure). */
  userAborted(): boolean;
}

/**
 * Like `send`, but returns once the headers of a 2xx arrive, leaving the body unread for streaming.
 * `timeoutMs` bounds the wait for the headers; after that only the caller's signal stops the stream.
 * Retries (429 / 503 / connection failures) happen only before any byte of an answer was read.
 */
export function openStream(options: SendOptions): Promise<OpenStream> {
  return withRetries(options, (state) => attemptStream(options, state));
}

async function attemptStream(options: SendOptions, state: AttemptState): Promise<OpenStream> {
  const { signal } = options;
  if (signal?.aborted) throw userAbort(signal);
  const { controller, detach, clearTimer, failure } = attemptAbort(options);
  try {
    const fetchFn = await options.getFetch(state);
    const res = await fetchFn(options.url, { ...options.init, signal: controller.signal });
    if (res.status < 200 || res.status >= 300) {
      const text = await res.text();
      detach();
      throw errorFromResponse(
        { status: res.status, statusText: res.statusText, headers: res.headers, text },
        state.paymentRequired,
      );
    }
    return {
      response: res,
      abort: () => {
        detach();
        controller.abort();
      },
      userAborted: () => signal?.aborted === true,
    };
  } catch (error) {
    detach();
    throw failure(error);
  } finally {
    clearTimer();
  }
}
