import "server-only";
import { z } from "zod";
import { randomBytes } from "node:crypto";
import { AppError, isAppError } from "@/lib/errors";
import type { ResolvedKey } from "@/lib/keys/resolve";
import { costMicro, findModel, type Model } from "./catalog";
import { complete } from "./upstream";
import { gateway } from "./runtime";
import type { Settlement, UsageRecord } from "./settle-batch";

export const AgentBody = z.object({
  prompt: z.string({ message: "prompt must be a string" }).min(1, "prompt must not be empty"),
  model: z.string({ message: "model must be a string" }).min(1, "model is required").max(100),
  maxTokens: z.number({ message: "maxTokens must be a number" }).int("maxTokens must be a whole number").positive("maxTokens must be positive").optional(),
});
export type AgentRequest = z.infer<typeof AgentBody>;

export interface AgentResponse {
  id: string;
  model: string;
  output: string;
  usage: { inputTokens: number; outputTokens: number };
  costMicro: bigint;
}

const DEFAULT_MAX_TOKENS = 1024;
// Chat templates add a few tokens around the prompt; a token is never shorter than a byte.
const TEMPLATE_TOKENS = 32;
const TOUCH_EVERY_MS = 60_000;

/**
 * The model and output budget of a request, refused before any payment or reservation when the
 * prompt (bytes as tokens, plus the template) and the output budget cannot fit the context.
 */
export function resolveModel(req: AgentRequest): { model: Model; maxTokens: number } {
  const model = findModel(req.model);
  if (!model) throw new AppError("unknown_model", `Unknown model "${req.model.slice(0, 100)}". See GET /api/models.`);
  const maxTokens = req.maxTokens ?? Math.min(DEFAULT_MAX_TOKENS, model.maxOutputTokens);
  if (maxTokens > model.maxOutputTokens) throw new AppError("invalid_request", `maxTokens must be at most ${model.maxOutputTokens} for ${model.id}.`);
  const needed = inputTokenBound(req.prompt) + maxTokens;
  if (needed > model.contextLength) {
    throw new AppError(
      "context_length_exceeded",
      `This request needs up to ${needed} tokens (the prompt counted as one token per byte, plus ${maxTokens} of output), more than ${model.id}'s context of ${model.contextLength}. Shorten the prompt or lower maxTokens.`,
    );
  }
  return { model, maxTokens };
}

/** The most input tokens a prompt can become: a token is never shorter than a byte. */
function inputTokenBound(prompt: string): number {
  return Buffer.byteLength(prompt) + TEMPLATE_TOKENS;
}

/** The most a call can cost: the whole prompt as tokens plus every allowed output token. */
export function maxCost(model: Model, prompt: string, maxTokens: number): bigint {
  return costMicro(model, inputTokenBound(prompt), maxTokens);
}

/**
 * What an x402 call costs, quoted from its body: what the key tier would reserve for it, and at
 * least the model's x402PriceMicro (one on-chain settlement is not worth less).
 */
export function x402Price(model: Model, prompt: string, maxTokens: number): bigint {
  const reserved = maxCost(model, prompt, maxTokens);
  const floor = BigInt(model.x402PriceMicro);
  return reserved > floor ? reserved : floor;
}

function newCallId() {
  return `gen_${randomBytes(12).toString("base64url")}`;
}

function usageOf(base: Omit<UsageRecord, "inputTokens" | "outputTokens" | "costMicro" | "status" | "latencyMs" | "at">, started: number) {
  return (status: number, inputTokens = 0, outputTokens = 0, cost = 0n): UsageRecord => ({
    ...base,
    inputTokens,
    outputTokens,
    costMicro: cost,
    status,
    latencyMs: Math.round(performance.now() - started),
    at: new Date(),
  });
}

/** A call billed from the prepaid balance: reserve → model → settle → record, all or nothing. */
export async function runKeyCall(key: ResolvedKey, req: AgentRequest, requestId: string): Promise<AgentResponse> {
  const rt = gateway();
  const wait = rt.keyLimiter.take(key.keyId);
  if (wait > 0) throw new AppError("rate_limited", "Too many requests for this API key. Slow down and retry.", { retryAfterSeconds: wait });
  const { model, maxTokens } = resolveModel(req);
  const reserved = maxCost(model, req.prompt, maxTokens);
  const capped = key.spendCapMicro !== null;

  // A changed cap (the version) makes the instance re-validate its cap hold before using it.
  const capLease = capped ? await rt.caps.reserve(key.capKeyId, reserved, String(key.spendCapMicro)) : undefined;
  if (capLease === null)
    throw new AppError("key_spend_limit", "This call would exceed the API key's monthly spend cap. Raise the cap or use another key.");
  let lease: string | null;
  try {
    lease = await rt.balances.reserve(key.accountId, reserved);
  } catch (err) {
    if (capLease) rt.caps.cancel(key.capKeyId, capLease, reserved);
    throw err;
  }
  if (lease === null) {
    if (capLease) rt.caps.cancel(key.capKeyId, capLease, reserved);
    throw new AppError("insufficient_balance", "Your balance is too low for this call. Top up in the dashboard.");
  }

  const started = performance.now();
  const record = usageOf({ accountId: key.accountId, keyId: key.keyId, authKind: "key", product: null, model: model.id, requestId }, started);
  const now = Date.now();
  const touchKey = now - (rt.lastTouched.get(key.keyId) ?? 0) > TOUCH_EVERY_MS ? key.keyId : undefined;
  if (touchKey) rt.lastTouched.set(key.keyId, now);
  // A rolled key's calls count against its replacement's cap and month spend (capKeyId).
  const charge = { accountId: key.accountId, keyId: key.capKeyId, lease, capped, capLease };

  let result;
  try {
    result = await complete(model.upstreamModel, req.prompt, maxTokens);
  } catch (err) {
    rt.balances.cancel(key.accountId, lease, reserved);
    if (capLease) rt.caps.cancel(key.capKeyId, capLease, reserved);
    // The failed call is logged for the user, at no cost.
    await rt.batcher.submit({ usage: record(isAppError(err) && err.code === "unavailable" ? 503 : 502), touchKey }).catch(() => {});
    throw err;
  }

  const actual = costMicro(model, result.inputTokens, result.outputTokens);
  // Never charge more than was reserved: the reservation is the price the caller agreed to.
  const cost = actual < reserved ? actual : reserved;
  rt.balances.finish(key.accountId, lease, reserved, cost);
  if (capLease) rt.caps.finish(key.capKeyId, capLease, reserved, cost);
  const settlement: Settlement = { usage: record(200, result.inputTokens, result.outputTokens, cost), charge, touchKey };
  let settled;
  try {
    settled = await rt.batcher.submit(settlement);
  } catch {
    rt.balances.unsettled(key.accountId, lease, cost);
    if (capLease) rt.caps.unsettled(key.capKeyId, capLease, cost);
    throw new AppError("unavailable", "The call could not be recorded, so it was not charged. Please retry.");
  }
  // The batch tells whether each hold was still this instance's; a lost one is dropped at once.
  rt.balances.settled(key.accountId, lease, cost, settled.served, settled.hold);
  if (capLease) rt.caps.settled(key.capKeyId, capLease, cost, settled.served, settled.capHold);
  if (!settled.served) throw new AppError("unavailable", "The call could not be recorded, so it was not charged. Please retry.");
  return { id: newCallId(), model: model.id, output: result.output, usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens }, costMicro: cost };
}

/** A first-party call (internal JWT): metered and recorded, no balance impact. */
export async function runProductCall(product: string, req: AgentRequest, requestId: string): Promise<AgentResponse> {
  const rt = gateway();
  const wait = rt.productLimiter.take(product);
  if (wait > 0) throw new AppError("rate_limited", "Too many requests for this product. Slow down and retry.", { retryAfterSeconds: wait });
  const { model, maxTokens } = resolveModel(req);
  const record = usageOf({ accountId: null, keyId: null, authKind: "jwt", product, model: model.id, requestId }, performance.now());
  let result;
  try {
    result = await complete(model.upstreamModel, req.prompt, maxTokens);
  } catch (err) {
    await rt.batcher.submit({ usage: record(502) }).catch(() => {});
    throw err;
  }
  const cost = costMicro(model, result.inputTokens, result.outputTokens);
  await rt.batcher.submit({ usage: record(200, result.inputTokens, result.outputTokens, cost) });
  return { id: newCallId(), model: model.id, output: result.output, usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens }, costMicro: cost };
}

/** What the x402 tier does with a paid call once the model answered (agent-calls.ts). */
export interface PaidCallSteps {
  /** Durably records the call's usage at its price, before any money moves. */
  record(usage: UsageRecord): Promise<void>;
  /** Settles the payment on chain; on failure it undoes the record and throws. */
  pay(): Promise<void>;
}

/**
 * A keyless call paid per call with x402: model → record → settle. A failed call is never
 * settled, and a settled call always has its usage row, so the payer stays whole either way.
 */
export async function runPaidCall(
  payer: string,
  req: AgentRequest,
  requestId: string,
  priceMicro: bigint,
  steps: PaidCallSteps,
  budgetMs: number,
): Promise<AgentResponse> {
  const rt = gateway();
  const { model, maxTokens } = resolveModel(req);
  const record = usageOf({ accountId: null, payerWallet: payer, keyId: null, authKind: "x402", product: null, model: model.id, requestId }, performance.now());
  let result;
  try {
    // The payment must settle while its blockhash is valid: the model gets a bounded budget.
    result = await complete(model.upstreamModel, req.prompt, maxTokens, AbortSignal.timeout(budgetMs));
  } catch (err) {
    await rt.batcher.submit({ usage: record(502) }).catch(() => {});
    throw err;
  }
  await steps.record(record(200, result.inputTokens, result.outputTokens, priceMicro));
  await steps.pay();
  return { id: newCallId(), model: model.id, output: result.output, usage: { inputTokens: result.inputTokens, outputTokens: result.outputTokens }, costMicro: priceMicro };
}
