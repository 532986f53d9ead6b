import { isRecord } from "./base64-json.js";
import type {
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionUsage,
  ChatRequestOptions,
} from "./chat-types.js";
import { APIConnectionError, APIUserAbortError, SolRouterError, UpstreamError } from "./errors.js";
import { sseData } from "./sse.js";
import type { OpenStream } from "./stream-transport.js";

/** What the client hands the chat API: one POST, buffered or streamed. */
export interface ChatTransport {
  post(body: string, options: ChatRequestOptions): Promise<{ text: string; status: number; headers: Headers }>;
  open(body: string, options: ChatRequestOptions): Promise<OpenStream>;
}

export interface Completions {
  create(body: ChatCompletionCreateParamsNonStreaming, options?: ChatRequestOptions): Promise<ChatCompletion>;
  create(body: ChatCompletionCreateParamsStreaming, options?: ChatRequestOptions): Promise<ChatCompletionStream>;
  create(
    body: ChatCompletionCreateParams,
    options?: ChatRequestOptions,
  ): Promise<ChatCompletion | ChatCompletionStream>;
}

export function chatApi(transport: ChatTransport): { completions: Completions } {
  async function create(body: ChatCompletionCreateParams, options: ChatRequestOptions = {}) {
    const json = JSON.stringify(body);
    if (body.stream === true) return new ChatCompletionStream(await transport.open(json, options));
    const res = await transport.post(json, options);
    let parsed: unknown;
    try {
      parsed = JSON.parse(res.text);
    } catch (cause) {
      throw invalid(res.status, res.headers, "the body is not JSON", cause);
    }
    if (!isRecord(parsed) || !Array.isArray(parsed.choices) || !isRecord(parsed.usage)) {
      throw invalid(res.status, res.headers, "the chat.completion is missing `choices` or `usage`");
    }
    const completion = parsed as unknown as ChatCompletion;
    const requestId = res.headers.get("x-request-id");
    if (requestId) completion.requestId = requestId;
    if (res.headers.get("idempotent-replayed") === "true") completion.replayed = true;
    return completion;
  }
  return { completions: { create } as Completions };
}

/**
 * The chunks of a streamed completion, for `for await`. The last chunk carries `usage` (also kept
 * on `stream.usage`). Leaving the loop early, or `abort()`, closes the connection: the call is
 * charged only for what the model produced until then.
 */
export class ChatCompletionStream implements AsyncIterable<ChatCompletionChunk> {
  /** The final usage, once the stream has delivered it. */
  usage: ChatCompletionUsage | undefined;
  readonly requestId: string | undefined;
  /** True when the answer is the stored one of an earlier call with the same Idempotency-Key. */
  readonly replayed: boolean;
  readonly #open: OpenStream;
  #iterated = false;

  constructor(open: OpenStream) {
    this.#open = open;
    this.requestId = open.response.headers.get("x-request-id") ?? undefined;
    this.replayed = open.response.headers.get("idempotent-replayed") === "true";
  }

  abort(): void {
    this.#open.abort();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<ChatCompletionChunk> {
    if (this.#iterated) throw new SolRouterError({ code: "invalid_usage", message: "A stream can be read once." });
    this.#iterated = true;
    const { response } = this.#open;
    if (!response.body) throw this.#invalid("the stream has no body");
    try {
      for await (const data of this.#guard(sseData(response.body))) {
        if (data === "[DONE]") return;
        const chunk = this.#parse(data);
        if (chunk.usage) this.usage = chunk.usage;
        yield chunk;
      }
      throw new APIConnectionError({ message: "The stream ended before [DONE]." });
    } finally {
      this.#open.abort();
    }
  }

  #parse(data: string): ChatCompletionChunk {
    let parsed: unknown;
    try {
      parsed = JSON.parse(data);
    } catch (cause) {
      throw this.#invalid("an event is not JSON", cause);
    }
    if (isRecord(parsed) && isRecord(parsed.error)) {
      const code = typeof parsed.error.code === "string" ? parsed.error.code : "stream_error";
      const message = typeof parsed.error.message === "string" ? parsed.error.message : code;
      const options = { code, message, requestId: this.requestId };
      throw code === "upstream_error" ? new UpstreamError(options) : new SolRouterError(options);
    }
    if (!isRecord(parsed) || !Array.isArray(parsed.choices)) throw this.#invalid("an event is not a chunk");
    return parsed as unknown as ChatCompletionChunk;
  }

  /** Read failures become the SDK's errors: the caller's abort, or a dropped connection. */
  async *#guard(source: AsyncGenerator<string>): AsyncGenerator<string> {
    const it = source[Symbol.asyncIterator]();
    try {
      for (;;) {
        let next: IteratorResult<string>;
        try {
          next = await it.next();
        } catch (cause) {
          if (this.#open.userAborted())
            throw new APIUserAbortError({ message: "The request was aborted by the caller.", cause });
          throw new APIConnectionError({ message: "The stream from Solrouter broke off.", cause });
        }
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await it.return?.(undefined);
    }
  }

  #invalid(reason: string, cause?: unknown): SolRouterError {
    return invalid(this.#open.response.status, this.#open.response.headers, reason, cause);
  }
}

function invalid(status: number, headers: Headers, reason: string, cause?: unknown): SolRouterError {
  return new SolRouterError({
    code: "invalid_response",
    message: `Solrouter returned an unexpected response (HTTP ${status}): ${reason}.`,
    status,
    requestId: headers.get("x-request-id") ?? undefined,
    cause,
  });
}
