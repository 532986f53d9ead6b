import { findModel } from "@/lib/models";

// What a call should cost, computed in tests from the catalogue's prices (micro-USD per million
// tokens) and the stand-in model's token counts, rounded UP to the micro-dollar. Written apart
// from the gateway's cost code on purpose: tests check that code against this.

export interface TokenPrices {
  inputPriceMicroPerMTok: number;
  outputPriceMicroPerMTok: number;
}

/** `model`: a catalogue id, or the prices themselves (as `GET /v1/models` lists them). */
export function catalogueCost(model: string | TokenPrices, promptTokens: number, completionTokens: number): bigint {
  const prices = typeof model === "string" ? catalogueModel(model) : model;
  const scaled =
    BigInt(promptTokens) * BigInt(prices.inputPriceMicroPerMTok) +
    BigInt(completionTokens) * BigInt(prices.outputPriceMicroPerMTok);
  return (scaled + 999_999n) / 1_000_000n;
}

export function catalogueModel(id: string) {
  const m = findModel(id);
  if (!m) throw new Error(`no model ${id} in the catalogue`);
  return m;
}

export interface StandInUsage {
  prompt_tokens: number;
  completion_tokens: number;
}

/** What the stand-in model reports for these messages, asked directly (not streamed). `model` is
 * the catalogue id; the stand-in is asked for its upstream name, as the gateway does. */
export async function standInUsage(
  upstreamUrl: string,
  body: { model: string; messages: unknown[]; max_tokens: number },
): Promise<StandInUsage> {
  const res = await fetch(`${upstreamUrl}/v1/chat/completions`, {
    method: "POST",
    body: JSON.stringify({ ...body, stream: false, model: catalogueModel(body.model).upstreamModel }),
  });
  return ((await res.json()) as { usage: StandInUsage }).usage;
}
