/** A fetch-compatible function; lets callers inject instrumentation, proxies or test doubles. */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

export const SOLANA_MAINNET = "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp";
/** Solrouter's local cluster also identifies itself as devnet. */
export const SOLANA_DEVNET = "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1";
export type SolanaNetwork = typeof SOLANA_MAINNET | typeof SOLANA_DEVNET;

export interface AgentRequest {
  prompt: string;
  model: string;
  maxTokens?: number;
  /** Cancels the call (including pending retries); rejects with APIUserAbortError. */
  signal?: AbortSignal;
}

export interface Usage {
  inputTokens: number;
  outputTokens: number;
}

export interface AgentResponse {
  id: string;
  model: string;
  output: string;
  usage: Usage;
  /** What the call cost, in integer micro-USD (1 USD = 1,000,000). */
  costMicro: number;
  /** The server's `x-request-id`, when it sent one. */
  requestId?: string;
  /** x402 mode only: the decoded PAYMENT-RESPONSE settlement receipt. */
  payment?: PaymentReceipt;
}

export interface ModelInfo {
  id: string;
  inputPriceMicroPerMTok: number;
  outputPriceMicroPerMTok: number;
  /** Flat per-call price when paying with x402, in micro-USD. */
  x402PriceMicro: number;
}

/** One payment option from an x402 v2 PAYMENT-REQUIRED header. */
export interface PaymentRequirementInfo {
  scheme: string;
  network: string;
  /** Token mint address. */
  asset: string;
  /** Atomic token units (micro-USD for a 6-decimal USDC mint). */
  amount: string;
  payTo: string;
  maxTimeoutSeconds: number;
  extra: Record<string, unknown>;
}

/** Decoded x402 v2 PAYMENT-REQUIRED header. Declared here so API-key users need no x402 packages. */
export interface PaymentRequiredInfo {
  x402Version: number;
  error?: string;
  resource?: { url: string; description?: string; mimeType?: string };
  accepts: PaymentRequirementInfo[];
  extensions?: Record<string, unknown>;
}

/** Decoded x402 PAYMENT-RESPONSE header. */
export interface PaymentReceipt {
  success: boolean;
  transaction: string;
  network: string;
  payer?: string;
  errorReason?: string;
  [key: string]: unknown;
}
