// The one catalogue of models we sell. Prices are integer micro-USD. x402PriceMicro is the
// least an x402 call costs: each call is quoted from its body like the key tier's reservation
// (maxCost in agent.ts) and never below this minimum (lib/x402/README.md).
export interface Model {
  id: string;
  upstreamModel: string;
  label: string;
  inputPriceMicroPerMTok: number;
  outputPriceMicroPerMTok: number;
  x402PriceMicro: number;
  maxOutputTokens: number;
  /** The model's context window in tokens: prompt (with its template) plus output must fit. */
  contextLength: number;
}

export const MODELS: readonly Model[] = [
  {
    id: "gpt-oss:20b",
    upstreamModel: "gpt-oss:20b",
    label: "GPT-OSS 20B",
    inputPriceMicroPerMTok: 50_000,
    outputPriceMicroPerMTok: 200_000,
    x402PriceMicro: 1_000,
    maxOutputTokens: 4_096,
    contextLength: 131_072,
  },
  {
    id: "gpt-oss:120b",
    upstreamModel: "gpt-oss:120b",
    label: "GPT-OSS 120B",
    inputPriceMicroPerMTok: 150_000,
    outputPriceMicroPerMTok: 600_000,
    x402PriceMicro: 3_000,
    maxOutputTokens: 4_096,
    contextLength: 131_072,
  },
];

const BY_ID = new Map(MODELS.map((m) => [m.id, m]));

export function findModel(id: string): Model | undefined {
  return BY_ID.get(id);
}

/** Cost of a call in micro-USD, rounded up so that we never undercharge by a fraction. */
export function costMicro(model: Model, inputTokens: number, outputTokens: number): bigint {
  const scaled =
    BigInt(inputTokens) * BigInt(model.inputPriceMicroPerMTok) +
    BigInt(outputTokens) * BigInt(model.outputPriceMicroPerMTok);
  return (scaled + 999_999n) / 1_000_000n;
}

export function publicModel(m: Model) {
  return {
    id: m.id,
    label: m.label,
    inputPriceMicroPerMTok: m.inputPriceMicroPerMTok,
    outputPriceMicroPerMTok: m.outputPriceMicroPerMTok,
    x402PriceMicro: m.x402PriceMicro,
    maxOutputTokens: m.maxOutputTokens,
    contextLength: m.contextLength,
  };
}
