// The OpenAI Chat Completions shapes Solrouter serves at /v1/chat/completions, plus `cost_micro`.

export type ChatRole = "system" | "user" | "assistant";

export interface ChatContentPart {
  type: "text";
  text: string;
}

export interface ChatMessage {
  role: ChatRole;
  content: string | ChatContentPart[];
}

export interface ChatCompletionCreateParamsBase {
  model: string;
  messages: ChatMessage[];
  max_tokens?: number;
  max_completion_tokens?: number;
  temperature?: number;
  top_p?: number;
  stop?: string | string[];
}

export interface ChatCompletionCreateParamsNonStreaming extends ChatCompletionCreateParamsBase {
  stream?: false | null;
}

export interface ChatCompletionCreateParamsStreaming extends ChatCompletionCreateParamsBase {
  stream: true;
  /** Solrouter always sends the final usage chunk; accepted for compatibility. */
  stream_options?: { include_usage?: boolean };
}

export type ChatCompletionCreateParams = ChatCompletionCreateParamsNonStreaming | ChatCompletionCreateParamsStreaming;

export interface ChatCompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** What the call cost, in integer micro-USD (1 USD = 1,000,000). */
  cost_micro: number;
}

export interface ChatCompletion {
  /** The call's usage id: `GET /v1/generations/{id}` returns its record. */
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    message: { role: "assistant"; content: string | null };
    finish_reason: string | null;
  }>;
  usage: ChatCompletionUsage;
  /** The server's `x-request-id`, when it sent one. */
  requestId?: string;
  /** True when the answer is the stored one of an earlier call with the same Idempotency-Key. */
  replayed?: boolean;
}

export interface ChatCompletionChunk {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: Array<{
    index: number;
    delta: { role?: "assistant"; content?: string | null };
    finish_reason: string | null;
  }>;
  /** Set only on the final chunk (whose `choices` is empty). */
  usage?: ChatCompletionUsage | null;
}

export interface ChatRequestOptions {
  /** Cancels the call; for a stream, closes the connection (you are charged for what was produced). */
  signal?: AbortSignal;
  /** Sent as `Idempotency-Key` (API keys): a repeat within 24 h gets the stored answer, not a second charge. */
  idempotencyKey?: string;
}
