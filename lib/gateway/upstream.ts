import "server-only";
import { env } from "@/lib/env";
import { AppError } from "@/lib/errors";

export interface UpstreamResult {
  output: string;
  inputTokens: number;
  outputTokens: number;
  /** True when the server reported no usage and the counts were estimated. */
  estimated: boolean;
}

/** One OpenAI-compatible chat completion (Ollama, vLLM, llama.cpp). Any failure is upstream_error. */
export async function complete(model: string, prompt: string, maxTokens: number, signal?: AbortSignal): Promise<UpstreamResult> {
  const e = env();
  if (!e.UPSTREAM_URL) throw new AppError("unavailable", "No model server is configured.");
  const timeout = AbortSignal.timeout(e.UPSTREAM_TIMEOUT_MS);
  let res: Response;
  try {
    res = await fetch(`${e.UPSTREAM_URL.replace(/\/$/, "")}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model, messages: [{ role: "user", content: prompt }], max_tokens: maxTokens, stream: false }),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (err) {
    const timedOut = (err as Error)?.name === "TimeoutError";
    throw new AppError("upstream_error", timedOut ? "The model took too long to answer. You were not charged." : "The model server could not be reached. You were not charged.");
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    throw new AppError("upstream_error", `The model server answered ${res.status}. You were not charged.`);
  }
  let body: { choices?: { message?: { content?: unknown } }[]; usage?: { prompt_tokens?: unknown; completion_tokens?: unknown } };
  try {
    body = (await res.json()) as typeof body;
  } catch {
    throw new AppError("upstream_error", "The model server sent an unreadable answer. You were not charged.");
  }
  const output = body.choices?.[0]?.message?.content;
  if (typeof output !== "string") throw new AppError("upstream_error", "The model server sent no answer. You were not charged.");
  const pt = body.usage?.prompt_tokens;
  const ct = body.usage?.completion_tokens;
  const valid = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n >= 0;
  if (valid(pt) && valid(ct)) return { output, inputTokens: pt, outputTokens: ct, estimated: false };
  // Without reported usage, estimate (about 4 bytes a token); the charge is capped by the reservation anyway.
  return { output, inputTokens: Math.ceil(Buffer.byteLength(prompt) / 4), outputTokens: Math.ceil(Buffer.byteLength(output) / 4), estimated: true };
}
