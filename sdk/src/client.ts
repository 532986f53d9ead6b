import { decodeBase64Json, isRecord } from "./base64-json.js";
import { readEnv, redactApiKey, validateApiKey } from "./credentials.js";
import type { BufferedResponse } from "./error-mapping.js";
import { ConfigurationError, SolRouterError } from "./errors.js";
import { chatApi, type Completions } from "./chat.js";
import type { ChatRequestOptions } from "./chat-types.js";
import { openStream } from "./stream-transport.js";
import { send, type AttemptState, type SendOptions } from "./transport.js";
import type { AgentRequest, AgentResponse, FetchLike, ModelInfo, PaymentReceipt } from "./types.js";
import { createX402Payer, type X402Options, type X402Payer } from "./x402.js";

export interface SolRouterOptions {
  /** Defaults to the SOLROUTER_API_KEY environment variable (ignored when `x402` is set). */
  apiKey?: string;
  /** Defaults to SOLROUTER_BASE_URL, then https://solrouter.com. */
  baseUrl?: string;
  /** Custom fetch (proxies, tracing, tests). Defaults to the global fetch at call time. */
  fetch?: FetchLike;
  /** Per-attempt deadline including reading the body. Default 120,000 ms. */
  timeoutMs?: number;
  /** Extra attempts for 429 / 503 / connection failures. Default 2; 0 disables. */
  maxRetries?: number;
  /** Pay per call with x402 instead of an API key. */
  x402?: X402Options;
}

export const DEFAULT_BASE_URL = "https://solrouter.com";
const DEFAULT_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_RETRIES = 2;
const CHAT_PATH = "/v1/chat/completions";
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

export class SolRouter {
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly maxRetries: number;
  // Private fields are invisible to JSON.stringify, util.inspect and structuredClone,
  // which keeps the secret out of logs even when someone dumps the whole client.
  readonly #apiKey: string | undefined;
  readonly #x402: X402Payer | undefined;
  readonly #fetch: FetchLike | undefined;
  #chat: { completions: Completions } | undefined;

  constructor(options: SolRouterOptions = {}) {
    if (options.x402 && options.apiKey !== undefined) {
      throw new ConfigurationError({
        code: "invalid_config",
        message: "Pass either apiKey or x402, not both: each call is paid one way.",
      });
    }
    if (options.x402) {
      this.#x402 = createX402Payer(options.x402);
    } else {
      const key = options.apiKey ?? readEnv("SOLROUTER_API_KEY");
      if (key === undefined || key.trim() === "") {
        throw new ConfigurationError({
          code: "missing_credentials",
          message:
            "No Solrouter credentials: set the SOLROUTER_API_KEY environment variable, pass { apiKey }, or pass { x402: { signer } } to pay per call.",
        });
      }
      this.#apiKey = validateApiKey(key);
    }
    this.baseUrl = normalizeBaseUrl(options.baseUrl ?? readEnv("SOLROUTER_BASE_URL") ?? DEFAULT_BASE_URL);
    this.timeoutMs = positiveInt(options.timeoutMs ?? DEFAULT_TIMEOUT_MS, "timeoutMs", 1);
    this.maxRetries = positiveInt(options.maxRetries ?? DEFAULT_MAX_RETRIES, "maxRetries", 0);
    this.#fetch = options.fetch;
  }

  /** Runs a prompt on a model. Paid by the API key's balance or, in x402 mode, per call on Solana. */
  async agent(request: AgentRequest): Promise<AgentResponse> {
    const { signal, prompt, model, maxTokens } = request;
    const body = JSON.stringify({ prompt, model, maxTokens });
    const res = await send(this.#paidSend("/agent", body, { signal }, "application/json"));
    const answer = parseJson(res);
    if (!isRecord(answer) || typeof answer.output !== "string") {
      throw invalidResponse(res, "the /agent response is missing `output`");
    }
    const result = answer as unknown as AgentResponse;
    const requestId = res.headers.get("x-request-id");
    if (requestId) result.requestId = requestId;
    const receipt = decodeBase64Json(res.headers.get("payment-response") ?? res.headers.get("x-payment-response"));
    if (isRecord(receipt)) result.payment = receipt as PaymentReceipt;
    return result;
  }

  /**
   * OpenAI-compatible Chat Completions (`POST /v1/chat/completions`):
   * `client.chat.completions.create({ model, messages })` → a `chat.completion`;
   * with `stream: true` → a `ChatCompletionStream` of chunks, the last one with `usage`.
   */
  get chat(): { completions: Completions } {
    // A prototype getter over a private field: nothing new shows up when the client is printed.
    return (this.#chat ??= chatApi({
      post: (body, options) => send(this.#paidSend(CHAT_PATH, body, options, "application/json")),
      open: (body, options) => openStream(this.#paidSend(CHAT_PATH, body, options, "text/event-stream")),
    }));
  }

  /** A model call: paid with the API key, or in x402 mode by a payment made per attempt. */
  #paidSend(path: string, body: string, options: ChatRequestOptions, accept: string): SendOptions {
    const headers: Record<string, string> = { "content-type": "application/json", accept };
    if (this.#apiKey) headers.authorization = `Bearer ${this.#apiKey}`;
    if (options.idempotencyKey !== undefined) headers["idempotency-key"] = options.idempotencyKey;
    const payer = this.#x402;
    return {
      url: `${this.baseUrl}${path}`,
      init: { method: "POST", headers, body },
      signal: options.signal,
      timeoutMs: this.timeoutMs,
      maxRetries: this.maxRetries,
      getFetch: payer
        ? (state: AttemptState) => payer.fetchFor(state, this.#resolveFetch())
        : async () => this.#resolveFetch(),
      mapThrown: payer ? (error, state) => payer.mapThrown(error, state) : undefined,
    };
  }

  /** Lists models and prices. Public endpoint: no credentials are sent and nothing is paid. */
  async models(options: { signal?: AbortSignal } = {}): Promise<ModelInfo[]> {
    const res = await send({
      url: `${this.baseUrl}/api/models`,
      init: { method: "GET", headers: { accept: "application/json" } },
      signal: options.signal,
      timeoutMs: this.timeoutMs,
      maxRetries: this.maxRetries,
      getFetch: async () => this.#resolveFetch(),
    });
    const body = parseJson(res);
    if (!isRecord(body) || !Array.isArray(body.models)) {
      throw invalidResponse(res, "the /api/models response is missing `models`");
    }
    return body.models as ModelInfo[];
  }

  #resolveFetch(): FetchLike {
    const fetchFn = this.#fetch ?? (globalThis.fetch as FetchLike | undefined);
    if (typeof fetchFn !== "function") {
      throw new ConfigurationError({
        code: "invalid_config",
        message: "No fetch implementation found: use Node 18+ or pass the `fetch` option.",
      });
    }
    // Returned as a bare function so browsers don't see `this` = client ("Illegal invocation").
    return (input, init) => fetchFn(input, init);
  }

  #redacted(): Record<string, unknown> {
    const view: Record<string, unknown> = { baseUrl: this.baseUrl };
    if (this.#apiKey) view.apiKey = redactApiKey(this.#apiKey);
    if (this.#x402) view.x402 = { payer: this.#x402.address };
    return view;
  }

  toJSON(): Record<string, unknown> {
    return this.#redacted();
  }

  toString(): string {
    const fields = Object.entries(this.#redacted()).map(
      ([k, v]) => `${k}: ${typeof v === "string" ? `'${v}'` : `{ payer: '${(v as { payer: string }).payer}' }`}`,
    );
    return `SolRouter { ${fields.join(", ")} }`;
  }

  [INSPECT](): string {
    return this.toString();
  }
}

function normalizeBaseUrl(raw: string): string {
  try {
    const url = new URL(raw);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw new Error("not http(s)");
    return url.toString().replace(/\/+$/, "");
  } catch {
    throw new ConfigurationError({ code: "invalid_config", message: `baseUrl is not a valid http(s) URL: ${raw}` });
  }
}

function positiveInt(value: number, name: string, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigurationError({ code: "invalid_config", message: `${name} must be an integer >= ${min}.` });
  }
  return value;
}

function parseJson(res: BufferedResponse): unknown {
  try {
    return JSON.parse(res.text) as unknown;
  } catch (cause) {
    throw invalidResponse(res, "the body is not JSON", cause);
  }
}

function invalidResponse(res: BufferedResponse, reason: string, cause?: unknown): SolRouterError {
  return new SolRouterError({
    code: "invalid_response",
    message: `Solrouter returned an unexpected response (HTTP ${res.status}): ${reason}.`,
    status: res.status,
    requestId: res.headers.get("x-request-id") ?? undefined,
    cause,
  });
}
