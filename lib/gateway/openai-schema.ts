import "server-only";
import { z } from "zod";
import type { UpstreamChatRequest } from "./upstream-stream";

// The OpenAI Chat Completions request as the contract accepts it. z.object drops keys it does not
// know, so the many fields clients send that we do not support (n, seed, user, tools, ...) are
// ignored, as OpenRouter does; a field we know with a wrong type is a 400 naming the field.
// OpenAI's own clients send null for "not set", so every optional field accepts null too.

const TextPart = z.object({
  type: z.literal("text", {
    message: 'content parts must be {"type": "text", "text": "..."} (only text is supported)',
  }),
  text: z.string({ message: "a text part's text must be a string" }),
});

export const ChatMessage = z.object({
  role: z.enum(["system", "user", "assistant"], { message: 'role must be "system", "user" or "assistant"' }),
  // A union reports only its own message, so the array's bound is checked after it.
  content: z
    .union([z.string(), z.array(TextPart)], { message: "content must be a string or an array of text parts" })
    .refine((c) => c.length > 0 || typeof c === "string", "content must not be an empty array"),
});
export type ChatMessage = z.infer<typeof ChatMessage>;

const tokenCount = (name: string) =>
  z
    .number({ message: `${name} must be a number` })
    .int(`${name} must be a whole number`)
    .positive(`${name} must be positive`)
    .nullish();

export const ChatCompletionBody = z.object({
  model: z.string({ message: "model must be a string" }).min(1, "model is required").max(100, "model is too long"),
  messages: z
    .array(ChatMessage, { message: "messages must be an array of messages" })
    .min(1, "messages must not be empty")
    .max(1_000, "at most 1,000 messages"),
  max_tokens: tokenCount("max_tokens"),
  max_completion_tokens: tokenCount("max_completion_tokens"),
  temperature: z
    .number({ message: "temperature must be a number" })
    .min(0, "temperature must be between 0 and 2")
    .max(2, "temperature must be between 0 and 2")
    .nullish(),
  top_p: z
    .number({ message: "top_p must be a number" })
    .min(0, "top_p must be between 0 and 1")
    .max(1, "top_p must be between 0 and 1")
    .nullish(),
  stop: z
    .union([z.string(), z.array(z.string())], { message: "stop must be a string or an array of strings" })
    .refine((s) => typeof s === "string" || s.length <= 4, "stop takes at most 4 sequences")
    .nullish(),
  stream: z.boolean({ message: "stream must be true or false" }).nullish(),
  stream_options: z
    .object(
      { include_usage: z.boolean({ message: "stream_options.include_usage must be true or false" }).nullish() },
      { message: "stream_options must be an object" },
    )
    .nullish(),
});
export type ChatCompletionRequest = z.infer<typeof ChatCompletionBody>;

/** Text parts are joined as they are, as OpenAI reads them: one string per message. */
export function messageText(content: ChatMessage["content"]): string {
  return typeof content === "string" ? content : content.map((p) => p.text).join("");
}

/** The output limit the caller asked for: max_completion_tokens wins (max_tokens is its old name). */
export function requestedMaxTokens(body: ChatCompletionRequest): number | undefined {
  return body.max_completion_tokens ?? body.max_tokens ?? undefined;
}

/** Whether the caller wants a stream (the final usage chunk is sent either way). */
export function wantsStream(body: ChatCompletionRequest): boolean {
  return body.stream === true;
}

/** The request for the model server: content flattened to text, sampling options passed through. */
export function toUpstreamRequest(
  body: ChatCompletionRequest,
  upstreamModel: string,
  maxTokens: number,
): UpstreamChatRequest {
  const req: UpstreamChatRequest = {
    model: upstreamModel,
    messages: body.messages.map((m) => ({ role: m.role, content: messageText(m.content) })),
    max_tokens: maxTokens,
  };
  if (body.temperature != null) req.temperature = body.temperature;
  if (body.top_p != null) req.top_p = body.top_p;
  if (body.stop != null) req.stop = body.stop;
  return req;
}

// A chat template frames each message with a few special tokens (harmony: <|start|>role<|message|>
// … <|end|>). A token is never shorter than a byte, so bytes bound the text's tokens.
export const MESSAGE_FRAMING_TOKENS = 4;

/**
 * An upper bound, in tokens, of the prompt the messages make, before the model's own template
 * preamble (the caller adds that allowance, as maxCost does for /agent's prompt). For the
 * reservation: at most one token per byte of role and content, plus the framing of each message.
 */
export function promptTokenBound(messages: readonly ChatMessage[]): number {
  let n = 0;
  for (const m of messages)
    n += Buffer.byteLength(m.role) + Buffer.byteLength(messageText(m.content)) + MESSAGE_FRAMING_TOKENS;
  return n;
}
