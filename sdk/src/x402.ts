import { decodePaymentRequired } from "./error-mapping.js";
import { ConfigurationError, PaymentRequiredError, type SolRouterError } from "./errors.js";
import type { AttemptState } from "./transport.js";
import {
  SOLANA_DEVNET,
  SOLANA_MAINNET,
  type FetchLike,
  type PaymentRequiredInfo,
  type PaymentRequirementInfo,
  type SolanaNetwork,
} from "./types.js";

// Type-only imports are erased, so API-key users never load (or need) the x402 packages.
type FetchModule = typeof import("@x402/fetch");
type SvmModule = typeof import("@x402/svm/exact/client");
type SiwxModule = typeof import("@x402/extensions/sign-in-with-x");
type KitSigner = ConstructorParameters<SvmModule["ExactSvmScheme"]>[0];

/**
 * A @solana/kit `TransactionSigner`, e.g. from `createKeyPairSignerFromBytes`. Typed structurally
 * so this package's declarations don't require @solana/kit for API-key users.
 */
export interface X402Signer {
  readonly address: string;
  signTransactions?: (...args: never[]) => unknown;
  modifyAndSignTransactions?: (...args: never[]) => unknown;
  /** Needed for `signIn` (sign in with x402). */
  signMessages?: (...args: never[]) => unknown;
}

export interface X402Options {
  signer: X402Signer;
  /**
   * Solana RPC used to read the mint and a recent blockhash when building a payment. Needed for
   * any cluster other than the public ones (Solrouter's local cluster poses as devnet, so without
   * this the payment would be built against public devnet). A map sets one URL per network.
   */
  rpcUrl?: string | Partial<Record<SolanaNetwork, string>>;
  /** Largest single payment the client will sign, in micro-USD (atomic units of a 6-decimal USDC mint). Default 1,000,000 ($1). */
  maxPaymentMicro?: number | bigint;
  /** Networks to pay on; default both mainnet and devnet. */
  networks?: SolanaNetwork[];
  /** Restrict payments to these mint addresses; default: whatever mint the server asks for. */
  assets?: string[];
  /**
   * Sign in with x402 before paying: when Solrouter's 402 offers the sign-in-with-x challenge, the
   * signer signs it (a message, not a payment) and a wallet whose Solrouter account has the
   * balance is served from that balance; otherwise the call is paid as usual. Costs one more
   * round trip per call for a wallet without a balance. Needs `@x402/extensions` and a signer
   * that can sign messages (a @solana/kit KeyPairSigner can). Default false.
   */
  signIn?: boolean;
  /**
   * Pre-imported modules, for bundlers that cannot follow the SDK's runtime import():
   * `{ fetch: await import("@x402/fetch"), svm: await import("@x402/svm/exact/client") }`, plus
   * `siwx: await import("@x402/extensions/sign-in-with-x")` with `signIn`.
   */
  modules?: { fetch: unknown; svm: unknown; siwx?: unknown };
}

/** The client's handle on x402 mode; only the SDK uses it. */
export interface X402Payer {
  readonly address: string;
  fetchFor(state: AttemptState, baseFetch: FetchLike): Promise<FetchLike>;
  mapThrown(error: unknown, state: AttemptState): SolRouterError | undefined;
}

const SUPPORTED_NETWORKS: readonly SolanaNetwork[] = [SOLANA_MAINNET, SOLANA_DEVNET];
const DEFAULT_MAX_PAYMENT_MICRO = 1_000_000n;
const INSTALL_HINT = "npm install @x402/fetch @x402/svm @solana/kit (and @x402/extensions for signIn)";

function invalid(message: string): ConfigurationError {
  return new ConfigurationError({ code: "invalid_config", message });
}

/** Checks options synchronously so mistakes surface in the constructor, not on the first paid call. */
function normalize(options: X402Options) {
  const signer = options.signer as X402Signer | undefined;
  if (!signer || typeof signer.address !== "string") {
    throw invalid("x402.signer must be a @solana/kit TransactionSigner (e.g. from createKeyPairSignerFromBytes).");
  }
  if (typeof signer.signTransactions !== "function" && typeof signer.modifyAndSignTransactions !== "function") {
    throw invalid("x402.signer cannot sign transactions; pass a @solana/kit TransactionSigner.");
  }
  const networks = options.networks ?? [...SUPPORTED_NETWORKS];
  const unknown = networks.filter((n) => !SUPPORTED_NETWORKS.includes(n));
  if (networks.length === 0 || unknown.length > 0) {
    throw invalid(`x402.networks must be a non-empty subset of: ${SUPPORTED_NETWORKS.join(", ")}.`);
  }
  if (options.signIn && typeof signer.signMessages !== "function") {
    throw invalid(
      "x402.signIn needs a signer that can sign messages (signMessages), e.g. a @solana/kit KeyPairSigner.",
    );
  }
  const raw = options.maxPaymentMicro ?? DEFAULT_MAX_PAYMENT_MICRO;
  if ((typeof raw === "number" && !Number.isSafeInteger(raw)) || BigInt(raw) <= 0n) {
    throw invalid("x402.maxPaymentMicro must be a positive integer number of micro-USD.");
  }
  return { signer, networks, maxPaymentMicro: BigInt(raw), assets: options.assets };
}

type Normalized = ReturnType<typeof normalize>;

export function createX402Payer(options: X402Options): X402Payer {
  const config = normalize(options);
  let ready: Promise<(inner: FetchLike) => FetchLike> | undefined;
  // Built lazily: the constructor can't await, and a failed import should be retried next call.
  const load = () =>
    (ready ??= build(options, config).catch((error: unknown) => {
      ready = undefined;
      throw error;
    }));

  return {
    address: config.signer.address,
    async fetchFor(state, baseFetch) {
      const wrap = await load();
      return wrap(recordingFetch(state, baseFetch));
    },
    mapThrown(error, state) {
      // The transport maps raw network failures; everything else came from the payment code.
      if (state.transportError !== undefined && error === state.transportError) return undefined;
      if (error instanceof ConfigurationError) return error;
      return new PaymentRequiredError({
        code: "payment_required",
        message: explainRefusal(state.paymentRequired, config) ?? `x402 payment failed: ${messageOf(error)}`,
        paymentRequired: state.paymentRequired,
        cause: error,
      });
    },
  };
}

async function build(options: X402Options, config: Normalized): Promise<(inner: FetchLike) => FetchLike> {
  const { fetchModule, svmModule } = await loadModules(options.modules);
  const client = new fetchModule.x402Client();
  for (const network of config.networks) {
    const rpcUrl = typeof options.rpcUrl === "string" ? options.rpcUrl : options.rpcUrl?.[network];
    // registerExactSvmScheme() has no way to pass rpcUrl, so register the scheme directly.
    const scheme = new svmModule.ExactSvmScheme(config.signer as unknown as KitSigner, rpcUrl ? { rpcUrl } : undefined);
    client.register(network, scheme);
  }
  // The library's default spend controls accept only mints it recognises (canonical USDC etc.).
  // Solrouter's local cluster uses its own USDC mint, so accept any asset here and enforce the
  // caller's micro-USD cap (and optional mint allowlist) in our own policy instead.
  client.setSpendControls({ allowedAssets: true, maxAmountPerPayment: false });
  client.registerPolicy((_version, requirements) => requirements.filter((r) => refusalReason(r, config) === undefined));
  if (!options.signIn) return (inner) => fetchModule.wrapFetchWithPayment(inner as typeof globalThis.fetch, client);
  const siwx = options.modules
    ? (options.modules.siwx as SiwxModule)
    : await importPeer<SiwxModule>("@x402/extensions/sign-in-with-x");
  if (typeof siwx?.wrapFetchWithSIWx !== "function") {
    throw invalid("x402.modules.siwx must be the @x402/extensions/sign-in-with-x module.");
  }
  const messageSigner = config.signer as unknown as Parameters<SiwxModule["wrapFetchWithSIWx"]>[1];
  // Sign-in is tried first, inside the payment wrapper: a 402 it cannot turn into an answer (no
  // account, too low a balance) reaches the payment wrapper, which pays as without it.
  return (inner) =>
    fetchModule.wrapFetchWithPayment(siwx.wrapFetchWithSIWx(inner as typeof globalThis.fetch, messageSigner), client);
}

/** Wraps the real fetch to learn, per attempt, whether we paid and what the server asked for. */
function recordingFetch(state: AttemptState, baseFetch: FetchLike): FetchLike {
  return async (input, init) => {
    const headers =
      typeof Request !== "undefined" && input instanceof Request ? input.headers : new Headers(init?.headers);
    if (headers.has("payment-signature") || headers.has("x-payment")) state.paymentSent = true;
    let res: Response;
    try {
      res = await baseFetch(input, init);
    } catch (error) {
      state.transportError = error;
      throw error;
    }
    if (res.status === 402) {
      state.paymentRequired = decodePaymentRequired(res.headers.get("payment-required")) ?? state.paymentRequired;
    }
    return res;
  };
}

function refusalReason(r: PaymentRequirementInfo, config: Normalized): string | undefined {
  if (!(config.networks as string[]).includes(r.network)) return `network ${r.network} is not enabled`;
  if (r.scheme !== "exact") return `scheme "${r.scheme}" is not supported`;
  if (config.assets && !config.assets.includes(r.asset)) return `asset ${r.asset} is not in x402.assets`;
  if (!/^\d+$/.test(r.amount)) return `amount "${r.amount}" is not an integer`;
  if (BigInt(r.amount) > config.maxPaymentMicro) {
    return `amount ${r.amount} exceeds maxPaymentMicro ${config.maxPaymentMicro}`;
  }
  return undefined;
}

function explainRefusal(required: PaymentRequiredInfo | undefined, config: Normalized): string | undefined {
  if (!required || required.accepts.length === 0) return undefined;
  const reasons = required.accepts.map((r) => refusalReason(r, config));
  if (reasons.some((reason) => reason === undefined)) return undefined;
  return `Solrouter asked for an x402 payment this client will not make: ${reasons.join("; ")}.`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

async function loadModules(
  injected: X402Options["modules"],
): Promise<{ fetchModule: FetchModule; svmModule: SvmModule }> {
  const [fetchModule, svmModule] = injected
    ? [injected.fetch as FetchModule, injected.svm as SvmModule]
    : await Promise.all([importPeer<FetchModule>("@x402/fetch"), importPeer<SvmModule>("@x402/svm/exact/client")]);
  if (typeof fetchModule?.wrapFetchWithPayment !== "function" || typeof fetchModule.x402Client !== "function") {
    throw invalid("x402.modules.fetch must be the @x402/fetch module.");
  }
  if (typeof svmModule?.ExactSvmScheme !== "function") {
    throw invalid("x402.modules.svm must be the @x402/svm/exact/client module.");
  }
  return { fetchModule, svmModule };
}

async function importPeer<T>(specifier: string): Promise<T> {
  try {
    // A variable specifier plus the ignore hints stops bundlers from failing the build when the
    // optional peers are absent (the common API-key case).
    return (await import(/* webpackIgnore: true */ /* @vite-ignore */ specifier)) as T;
  } catch (cause) {
    throw new ConfigurationError({
      code: "missing_peer_dependency",
      message: `x402 mode needs the optional package "${specifier}", which could not be loaded. Install the x402 peers: ${INSTALL_HINT}`,
      cause,
    });
  }
}
