export { SolRouter, DEFAULT_BASE_URL, type SolRouterOptions } from "./client.js";
export {
  SolRouterError,
  ConfigurationError,
  AuthenticationError,
  InsufficientBalanceError,
  SpendLimitError,
  PaymentRequiredError,
  InvalidRequestError,
  PermissionDeniedError,
  NotFoundError,
  ConflictError,
  PayloadTooLargeError,
  RateLimitError,
  UpstreamError,
  UnavailableError,
  APIConnectionError,
  APIUserAbortError,
  type SolRouterErrorOptions,
} from "./errors.js";
export {
  SOLANA_MAINNET,
  SOLANA_DEVNET,
  type SolanaNetwork,
  type FetchLike,
  type AgentRequest,
  type AgentResponse,
  type Usage,
  type ModelInfo,
  type PaymentRequiredInfo,
  type PaymentRequirementInfo,
  type PaymentReceipt,
} from "./types.js";
export type { X402Options, X402Signer } from "./x402.js";
export { ChatCompletionStream, type Completions } from "./chat.js";
export type {
  ChatRole,
  ChatMessage,
  ChatContentPart,
  ChatCompletion,
  ChatCompletionChunk,
  ChatCompletionUsage,
  ChatCompletionCreateParams,
  ChatCompletionCreateParamsStreaming,
  ChatCompletionCreateParamsNonStreaming,
  ChatRequestOptions,
} from "./chat-types.js";
