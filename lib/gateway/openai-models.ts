import "server-only";
import type { Model } from "@/lib/models";

// GET /v1/models in OpenAI's list shape, with our prices and each model's context window.

/** The context window when the catalogue does not give one: what the GPT-OSS models take. */
export const DEFAULT_CONTEXT_LENGTH = 131_072;

/**
 * `created` of every listed model (OpenAI clients expect a Unix time): the day the catalogue
 * opened, fixed so the list stays cacheable.
 */
export const CATALOGUE_CREATED = Date.UTC(2026, 0, 1) / 1000;

/**
 * A model's context window in tokens. The catalogue is gaining `contextLength`; until then this
 * reads it structurally (or the older `contextTokens`), falling back to DEFAULT_CONTEXT_LENGTH.
 */
export function contextLengthOf(m: Model): number {
  const c = m as Model & { contextLength?: number; contextTokens?: number };
  return c.contextLength ?? c.contextTokens ?? DEFAULT_CONTEXT_LENGTH;
}

export function openAiModel(m: Model) {
  return {
    id: m.id,
    object: "model" as const,
    created: CATALOGUE_CREATED,
    owned_by: "solrouter" as const,
    pricing: { inputPriceMicroPerMTok: m.inputPriceMicroPerMTok, outputPriceMicroPerMTok: m.outputPriceMicroPerMTok },
    context_length: contextLengthOf(m),
  };
}

export function openAiModelList(models: readonly Model[]) {
  return { object: "list" as const, data: models.map(openAiModel) };
}
