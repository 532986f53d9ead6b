import "server-only";
import { env } from "@/lib/env";
import { logger } from "@/lib/log";
import { AppError, ERROR_STATUS, INTERNAL_ERROR_MESSAGE, isAppError } from "@/lib/errors";
import { costMicro } from "@/lib/models";
import {
  resolveModel,
  runCall,
  TEMPLATE_TOKENS,
  x402Quote,
  type CallOutcome,
  type CallRequest,
  type Payment,
} from "./call";
import {
  ChatCompletionBody,
  promptTokenBound,
  requestedMaxTokens,
  toUpstreamRequest,
  type ChatCompletionRequest,
} from "./openai-schema";
import {
  chatCompletion,
  completionChunk,
  completionMeta,
  finishReasonOf,
  openAiErrorType,
  sseData,
  sseError,
  SSE_DONE,
  SSE_HEADERS,
  sseStream,
  usageChunk,
  type CompletionMeta,
} from "./openai-response";

// The /v1/chat/completions adapter: the OpenAI request → runCall → a chat.completion, or an SSE
// stream of chunks that runCall's sink feeds.

/** The internal request of a chat completion body (throws its 400s before any payment). */
export function chatCallRequest(body: ChatCompletionRequest, requestId: string): CallRequest {
  const promptTokens = promptTokenBound(body.messages) + TEMPLATE_TOKENS;
  const { model, maxTokens } = resolveModel(body.model, promptTokens, requestedMaxTokens(body), "max_tokens");
  return {
    model,
    maxTokens,
    upstream: toUpstreamRequest(body, model.upstreamModel, maxTokens),
    maxCostMicro: costMicro(model, promptTokens, maxTokens),
    requestId,
  };
}

/** The exact x402 price of a body, for its 402 (null: not a chat completion request). */
export function chatQuote(body: unknown) {
  const parsed = ChatCompletionBody.safeParse(body);
  if (!parsed.success) return null;
  const req = chatCallRequest(parsed.data, "");
  return { model: req.model, price: x402Quote(req.model, req.maxCostMicro) };
}

/** Errors of /v1 carry OpenAI's `error.type` as well as the contract's code. */
export function withErrorType(err: unknown): unknown {
  const e = isAppError(err) ? err : new AppError("internal_error", INTERNAL_ERROR_MESSAGE);
  if (e !== err) logger().error({ err }, "unhandled error");
  return new AppError(e.code, e.message, {
    ...e.extra,
    body: { ...e.extra.body, type: openAiErrorType(ERROR_STATUS[e.code]) },
  });
}

export const costHeaders = (out: CallOutcome) => ({ ...out.headers, "x-solrouter-cost-micro": String(out.costMicro) });

/** Not streamed: one chat.completion. */
export async function completeChat(payment: Payment, req: CallRequest) {
  const out = await runCall(payment, req);
  return { body: completionOf(out), headers: costHeaders(out) };
}

/**
 * Streamed. The status and headers wait for the first token (so a refusal or an upstream failure
 * before it is still a proper error answer), or for STREAM_KEEPALIVE_MS, after which the stream
 * opens with keep-alive comments. The client going away aborts the upstream at once; the call is
 * then charged for what was produced (runCall settles it whatever happens to the client).
 */
export async function streamChatResponse(
  payment: Payment,
  req: CallRequest,
  clientSignal?: AbortSignal,
  /** Called once the call is settled or failed (the idempotency claim is completed or released there). */
  onEnd?: (out: CallOutcome | undefined) => Promise<void>,
): Promise<Response> {
  const left = new AbortController();
  clientSignal?.addEventListener("abort", () => left.abort(), { once: true });
  const queue: string[] = [];
  let wake: (() => void) | undefined;
  const poke = () => {
    wake?.();
    wake = undefined;
  };
  let meta: CompletionMeta | undefined;
  let firstToken: () => void = () => {};
  const gotFirst = new Promise<void>((r) => (firstToken = r));
  let settled: { out?: CallOutcome; err?: unknown } | undefined;
  const call = runCall(payment, req, {
    begin: (id) => (meta = completionMeta(id, req.model.id)),
    delta: (t) => {
      queue.push(t);
      firstToken();
      poke();
    },
    signal: left.signal,
  }).then(
    (out) => void (settled = { out }),
    (err: unknown) => void (settled = { err }),
  );
  const ended = call.then(async () => {
    await onEnd?.(settled?.out).catch(() => {});
    poke();
  });

  const keepAliveMs = env().STREAM_KEEPALIVE_MS;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([gotFirst, call, new Promise<void>((r) => (timer = setTimeout(r, keepAliveMs)))]);
  clearTimeout(timer);
  // Nothing sent yet: a failure is still the contract's error answer with its status.
  if (settled?.err && !queue.length) {
    await ended;
    throw settled.err;
  }

  async function* produce(): AsyncGenerator<string> {
    let opened = false;
    for (;;) {
      if (queue.length) {
        const content = queue.splice(0).join("");
        if (!opened) {
          opened = true;
          yield sseData(completionChunk(meta!, { role: "assistant", content }));
        } else yield sseData(completionChunk(meta!, { content }));
        continue;
      }
      if (settled) break;
      await new Promise<void>((r) => (wake = r));
    }
    const { out, err } = settled;
    if (err || !out) {
      const e = isAppError(err) ? err : new AppError("internal_error", "Something went wrong on our side.");
      yield sseError(e.code, e.message);
      return;
    }
    if (out.error) {
      yield sseError(out.error.code, out.error.message);
      return;
    }
    if (!opened) yield sseData(completionChunk(meta!, { role: "assistant", content: "" }));
    yield sseData(completionChunk(meta!, {}, finishReasonOf(out.finishReason)));
    yield sseData(usageChunk(meta!, { ...out.usage, costMicro: out.costMicro }));
    yield SSE_DONE;
  }

  const headers: Record<string, string> = { ...SSE_HEADERS };
  // The cost is known in the headers only when the call already finished.
  if (settled?.out) Object.assign(headers, costHeaders(settled.out));
  return new Response(sseStream(produce, { keepAliveMs, onCancel: () => left.abort() }), { status: 200, headers });
}

/** The stored answer of a completed call, as a chat.completion (what a repeat is answered from). */
export function completionOf(out: CallOutcome) {
  return chatCompletion(completionMeta(out.id, out.model), out.output, finishReasonOf(out.finishReason), {
    ...out.usage,
    costMicro: out.costMicro,
  });
}

/** A repeat of a streamed call: the stored chat.completion as one chunk, the usage chunk and [DONE]. */
export function replayAsStream(stored: { status: number; headers: Record<string, string>; body: string }) {
  const headers = { ...stored.headers, "idempotent-replayed": "true" };
  if (stored.status !== 200) return new Response(stored.body, { status: stored.status, headers });
  const c = JSON.parse(stored.body) as ReturnType<typeof completionOf>;
  const meta = { id: c.id, model: c.model, created: c.created };
  const choice = c.choices[0]!;
  const text =
    sseData({
      ...completionChunk(meta, { role: "assistant", content: choice.message.content }),
      choices: [
        {
          index: 0,
          delta: { role: "assistant", content: choice.message.content },
          logprobs: null,
          finish_reason: choice.finish_reason,
        },
      ],
    }) +
    sseData({ ...usageChunk(meta, { inputTokens: 0, outputTokens: 0, costMicro: 0n }), usage: c.usage }) +
    SSE_DONE;
  return new Response(text, {
    status: 200,
    headers: { ...headers, ...SSE_HEADERS, "content-type": SSE_HEADERS["content-type"] },
  });
}
