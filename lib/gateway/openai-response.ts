import "server-only";

// The OpenAI Chat Completions answer shapes (chat.completion, chat.completion.chunk) and the SSE
// framing of a streamed answer, per the contract: every answer carries usage with cost_micro.
// Their schemas (what GET /openapi.json publishes) are in schemas.ts; the return types hold them to it.
import type { z } from "zod";
import type { ChatCompletionChunkSchema, ChatCompletionResponse } from "./schemas";

export interface CallUsage {
  inputTokens: number;
  outputTokens: number;
  costMicro: bigint;
}

/** What every object of one call shares: `id` is the call's usage id, `created` in seconds. */
export interface CompletionMeta {
  id: string;
  model: string;
  created: number;
}

export type FinishReason = "stop" | "length" | "content_filter";

/** The upstream's finish_reason in OpenAI's vocabulary (tool calls are not offered, so "stop"). */
export function finishReasonOf(upstream: string | null | undefined): FinishReason {
  return upstream === "length" || upstream === "content_filter" ? upstream : "stop";
}

/** Money leaves as a plain integer (micro-USD); a call costs far less than 2^53. */
export function openAiUsage(u: CallUsage) {
  return {
    prompt_tokens: u.inputTokens,
    completion_tokens: u.outputTokens,
    total_tokens: u.inputTokens + u.outputTokens,
    cost_micro: Number(u.costMicro),
  };
}

export function completionMeta(id: string, model: string, at: Date = new Date()): CompletionMeta {
  return { id, model, created: Math.floor(at.getTime() / 1000) };
}

/** What every answer and chunk starts with. */
function head<O extends string>(meta: CompletionMeta, object: O) {
  return { id: meta.id, object, created: meta.created, model: meta.model };
}

/** The non-streamed answer. */
export function chatCompletion(
  meta: CompletionMeta,
  content: string,
  finishReason: FinishReason,
  usage: CallUsage,
): z.input<typeof ChatCompletionResponse> {
  return {
    ...head(meta, "chat.completion"),
    choices: [
      {
        index: 0,
        message: { role: "assistant" as const, content, refusal: null },
        logprobs: null,
        finish_reason: finishReason,
      },
    ],
    usage: openAiUsage(usage),
  };
}

/** One streamed piece: the first carries role "assistant", the last the finish_reason. */
export function completionChunk(
  meta: CompletionMeta,
  delta: { role?: "assistant"; content?: string },
  finishReason: FinishReason | null = null,
): z.input<typeof ChatCompletionChunkSchema> {
  return {
    ...head(meta, "chat.completion.chunk"),
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
  };
}

/** The chunk after the last choice, always sent (as OpenRouter does): no choices, the usage. */
export function usageChunk(meta: CompletionMeta, usage: CallUsage): z.input<typeof ChatCompletionChunkSchema> {
  return {
    ...head(meta, "chat.completion.chunk"),
    choices: [] as never[],
    usage: openAiUsage(usage),
  };
}

/**
 * The `error.type` the contract adds on /v1 errors, in OpenAI's vocabulary by status (clients
 * such as the openai package branch on the status; the type is for people reading logs).
 */
export function openAiErrorType(status: number): string {
  if (status === 401) return "authentication_error";
  if (status === 402) return "insufficient_quota";
  if (status === 403) return "permission_error";
  if (status === 404) return "not_found_error";
  if (status === 429) return "rate_limit_error";
  if (status >= 500) return "api_error";
  return "invalid_request_error";
}

// ---- SSE framing ----

export const SSE_HEADERS = {
  "content-type": "text/event-stream; charset=utf-8",
  "cache-control": "no-cache, no-transform",
  // Proxies (nginx) must pass each chunk on at once.
  "x-accel-buffering": "no",
} as const;
export const SSE_KEEP_ALIVE = ": keep-alive\n\n";
export const SSE_DONE = "data: [DONE]\n\n";
/** Comments at least this often while the model is silent (the contract says at least every 15 s). */
export const KEEP_ALIVE_MS = 10_000;

export function sseData(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}

/** The one error event of a stream that fails after its first byte; the stream then ends. */
export function sseError(code: string, message: string): string {
  return sseData({ error: { code, message } });
}

/**
 * A response body from SSE text produced by `produce`. While it waits for the next piece, a
 * `: keep-alive` comment goes out every keepAliveMs. When the client goes away (the body is
 * cancelled), the signal handed to `produce` aborts at once (so the upstream request can be
 * closed even while the producer is awaiting it), then the producer is stopped. A producer that
 * throws ends the stream with an internal_error event: it should send its own error event first.
 */
export function sseStream(
  produce: (signal: AbortSignal) => AsyncIterable<string>,
  opts: { keepAliveMs?: number; signal?: AbortSignal; onCancel?: () => void } = {},
): ReadableStream<Uint8Array> {
  const ctl = new AbortController();
  const signal = opts.signal ? AbortSignal.any([ctl.signal, opts.signal]) : ctl.signal;
  const every = opts.keepAliveMs ?? KEEP_ALIVE_MS;
  const encoder = new TextEncoder();
  let it: AsyncIterator<string> | undefined;
  let done = false;
  // One interval for the whole stream, restarted (refresh) at each pull and firing only while a
  // pull waits: a new interval per piece cost a timer allocation per chunk.
  let timer: NodeJS.Timeout | undefined;
  let waiting = false;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        it ??= produce(signal)[Symbol.asyncIterator]();
        waiting = true;
        if (timer) timer.refresh();
        else timer = setInterval(() => waiting && !done && controller.enqueue(encoder.encode(SSE_KEEP_ALIVE)), every);
        try {
          const next = await it.next();
          if (done) return;
          if (next.done) {
            done = true;
            controller.close();
          } else controller.enqueue(encoder.encode(next.value));
        } catch {
          if (done) return;
          done = true;
          controller.enqueue(encoder.encode(sseError("internal_error", "Something went wrong on our side.")));
          controller.close();
        } finally {
          waiting = false;
          if (done) clearInterval(timer);
        }
      },
      cancel() {
        done = true;
        clearInterval(timer);
        ctl.abort();
        // Even before the producer ever ran (the client left before reading anything).
        opts.onCancel?.();
        // Not awaited: a producer busy in next() finishes that first (the abort makes it quick).
        void it?.return?.()?.catch(() => {});
      },
    },
    { highWaterMark: 0 },
  );
}
