import "server-only";
import { AppError, isAppError } from "@/lib/errors";
import { costMicro, findModel, type Model } from "@/lib/models";
import { complete } from "./upstream";
import { estimateUsage, streamChat, UpstreamStreamError, type TokenUsage } from "./upstream-stream";
import type { UpstreamChatRequest } from "./upstream-stream";
import type { UsageRecord } from "./settle-batch";
import { gateway } from "./runtime";

// The one call path of every endpoint and tier: payment.open (limits, reservation or verified
// payment) → the model (whole or streamed into the sink) → payment.settle (record + charge) →
// the outcome, which the endpoint's adapter (/agent, /v1/chat/completions) shapes into its answer.

/** What the endpoint asked for, already resolved against the catalogue. */
export interface CallRequest {
  model: Model;
  maxTokens: number;
  upstream: UpstreamChatRequest;
  /** The most the call can cost: the prepaid reservation, and the base of the x402 quote. */
  maxCostMicro: bigint;
  requestId: string;
}

export interface CallSink {
  /** The call's id, known once it is paid for and before the model runs. */
  begin?(id: string): void;
  /** Streamed calls get each piece as the model produces it; without it the model answers whole. */
  delta?(text: string): void;
  /** Aborted when the client goes away: the upstream request is closed at once. */
  signal?: AbortSignal;
}

export interface CallOutcome {
  /** The usage event's id (`gen_<id>`): the completion id and GET /v1/generations/{id}. */
  id: string;
  model: string;
  output: string;
  usage: TokenUsage;
  costMicro: bigint;
  finishReason: string | null;
  /** A stream that broke after its first token: the client gets this as its error event. */
  error?: AppError;
  /** Extra response headers (the x402 PAYMENT-RESPONSE). */
  headers: Record<string, string>;
}

/** The tier-specific part of a call. See payments.ts for the three. */
export interface Payment {
  /** Before the model runs: the reservation or the verified payment for this request; throws the refusal. */
  open(req: CallRequest): Promise<OpenPayment>;
}

/** Who a call's usage event names. */
export type UsageOwner = Pick<UsageRecord, "accountId" | "payerWallet" | "keyId" | "authKind" | "product">;

export type Produced = Pick<UsageRecord, "id" | "inputTokens" | "outputTokens" | "latencyMs" | "status"> & {
  /** Catalogue price of the tokens. */
  actualMicro: bigint;
  /** False when the stream broke or the client left after output: not a success. */
  complete: boolean;
};

export interface OpenPayment {
  /** A limit on the model's time (x402: the payment's blockhash must still be valid at settlement). */
  signal?: AbortSignal;
  /** Nothing was produced: nothing is charged; the failure is logged at no cost. Never throws. */
  fail(f: Pick<UsageRecord, "id" | "status" | "latencyMs">): Promise<void>;
  /** Records and charges what was produced; throws 503 `unavailable` (not charged) if it cannot. */
  settle(p: Produced): Promise<{ costMicro: bigint; headers?: Record<string, string> }>;
}

export const callId = (usageId: bigint) => `gen_${usageId}`;

/** The usage event id of a completion id, or null when it is not one of ours. */
export function usageIdOf(id: string): bigint | null {
  const m = /^gen_([1-9][0-9]{0,18})$/.exec(id);
  return m ? BigInt(m[1]!) : null;
}

// Chat templates add a few tokens around the prompt; a token is never shorter than a byte.
export const TEMPLATE_TOKENS = 32;
const DEFAULT_MAX_TOKENS = 1024;

/**
 * The model and output budget of a request, refused before any payment or reservation when the
 * prompt bound (tokens, template included) and the output budget cannot fit the context.
 * `field` names the output limit in the endpoint's own vocabulary.
 */
export function resolveModel(
  modelId: string,
  promptTokens: number,
  requested: number | undefined,
  field = "maxTokens",
): { model: Model; maxTokens: number } {
  const model = findModel(modelId);
  if (!model) throw new AppError("unknown_model", `Unknown model "${modelId.slice(0, 100)}". See GET /api/models.`);
  const maxTokens = requested ?? Math.min(DEFAULT_MAX_TOKENS, model.maxOutputTokens);
  if (maxTokens > model.maxOutputTokens)
    throw new AppError("invalid_request", `${field} must be at most ${model.maxOutputTokens} for ${model.id}.`);
  const needed = promptTokens + maxTokens;
  if (needed > model.contextLength) {
    throw new AppError(
      "context_length_exceeded",
      `This request needs up to ${needed} tokens (the prompt counted as one token per byte, plus ${maxTokens} of output), more than ${model.id}'s context of ${model.contextLength}. Shorten the prompt or lower ${field}.`,
    );
  }
  return { model, maxTokens };
}

/**
 * What an x402 call costs: what the key tier would reserve for it, and at least the model's
 * x402PriceMicro (one on-chain settlement is not worth less).
 */
export function x402Quote(model: Model, maxCostMicro: bigint): bigint {
  const floor = BigInt(model.x402PriceMicro);
  return maxCostMicro > floor ? maxCostMicro : floor;
}

interface ModelAnswer {
  output: string;
  usage: TokenUsage;
  finishReason: string | null;
  error?: AppError;
}

async function whole(req: CallRequest, signal: AbortSignal | undefined): Promise<ModelAnswer> {
  const r = await complete(req.upstream, signal);
  return {
    output: r.output,
    usage: { inputTokens: r.inputTokens, outputTokens: r.outputTokens },
    finishReason: r.finishReason,
  };
}

/** Streams into the sink. Throws only when nothing was produced; a later failure is part of the answer. */
async function streamed(req: CallRequest, delta: (t: string) => void, signal: AbortSignal | undefined) {
  const it = streamChat(req.upstream, { signal });
  try {
    for (;;) {
      const next = await it.next();
      if (next.done) {
        const end = next.value;
        // Without the server's usage, count what was streamed (the reservation caps the charge).
        const usage = end.usage ?? estimateUsage(req.upstream, end.output);
        return { output: end.output, usage, finishReason: end.finishReason } satisfies ModelAnswer;
      }
      delta(next.value);
    }
  } catch (err) {
    if (!(err instanceof UpstreamStreamError) || !err.started) throw err;
    // Charged for what was delivered, counted: the server's usage never came.
    return {
      output: err.output,
      usage: estimateUsage(req.upstream, err.output),
      finishReason: null,
      error: err,
    } satisfies ModelAnswer;
  }
}

const failureStatus = (err: unknown, signal?: AbortSignal) =>
  signal?.aborted ? 499 : isAppError(err) && err.code === "unavailable" ? 503 : 502;

/** One call through `payment`: reserve → model → settle → the outcome. All or nothing before the first token. */
export async function runCall(payment: Payment, req: CallRequest, sink: CallSink = {}): Promise<CallOutcome> {
  // Counted so that shutdown lets the call finish and settle before giving the holds back.
  const calls = gateway().calls;
  calls.running++;
  try {
    return await runCounted(payment, req, sink);
  } finally {
    calls.running--;
  }
}

async function runCounted(payment: Payment, req: CallRequest, sink: CallSink): Promise<CallOutcome> {
  // Drawn first (from a block in memory; a database round trip once per block) so that nothing
  // needs undoing if it fails.
  const usageId = await gateway().usageIds.next();
  const open = await payment.open(req);
  sink.begin?.(callId(usageId));
  const started = performance.now();
  const signals = [sink.signal, open.signal].filter((s): s is AbortSignal => !!s);
  const signal = signals.length > 1 ? AbortSignal.any(signals) : signals[0];
  let answer: ModelAnswer;
  try {
    answer = sink.delta ? await streamed(req, sink.delta, signal) : await whole(req, signal);
  } catch (err) {
    await open.fail({
      id: usageId,
      status: failureStatus(err, sink.signal),
      latencyMs: Math.round(performance.now() - started),
    });
    throw err;
  }
  const clientLeft = sink.signal?.aborted === true;
  const settled = await open.settle({
    id: usageId,
    inputTokens: answer.usage.inputTokens,
    outputTokens: answer.usage.outputTokens,
    latencyMs: Math.round(performance.now() - started),
    status: clientLeft ? 499 : answer.error ? 502 : 200,
    actualMicro: costMicro(req.model, answer.usage.inputTokens, answer.usage.outputTokens),
    complete: !answer.error && !clientLeft,
  });
  return {
    id: callId(usageId),
    model: req.model.id,
    output: answer.output,
    usage: answer.usage,
    costMicro: settled.costMicro,
    finishReason: answer.finishReason,
    error: answer.error,
    headers: settled.headers ?? {},
  };
}
