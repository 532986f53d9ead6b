import "server-only";
import { x402Facilitator } from "@x402/core/facilitator";
import { HTTPFacilitatorClient, type FacilitatorClient } from "@x402/core/server";
import type {
  Network,
  PaymentPayload,
  PaymentRequirements,
  SettleResponse,
  SupportedResponse,
  VerifyResponse,
} from "@x402/core/types";
import { SOLANA_DEVNET_CAIP2, SOLANA_MAINNET_CAIP2, toFacilitatorSvmSigner } from "@x402/svm";
import { ExactSvmScheme } from "@x402/svm/exact/facilitator";
import { env } from "@/lib/env";
import { AppError, isAppError } from "@/lib/errors";
import { logger } from "@/lib/log";
import { peekPart, setPart } from "@/lib/runtime";
import { cdpFacilitatorConfig } from "./cdp";
import { loadFeePayer } from "./fee-payer";

export interface Facilitator {
  kind: "local" | "cdp" | "http";
  client: FacilitatorClient;
  network: Network;
  /** The fee payer we advertise in our 402s. */
  feePayer: string;
  /** Every fee payer the facilitator signs for (a hosted one may rotate between several). */
  feePayers: string[];
}

// The fee payer pays whatever priority fee the payer's transaction asks for: cap it. The stock
// client asks for 1 µlamport per CU and 20,000 CUs, so these limits leave ample room.
const MAX_PRIORITY_FEE_MICRO_LAMPORTS = 100_000;
const MAX_COMPUTE_UNITS = 200_000;

/** CAIP-2 id of our cluster; the local cluster poses as devnet, the only ids @x402/svm accepts besides mainnet/testnet. */
export function x402Network(): Network {
  return env().SOLANA_CLUSTER === "mainnet-beta" ? SOLANA_MAINNET_CAIP2 : SOLANA_DEVNET_CAIP2;
}

/** x402Facilitator's getSupported is synchronous, so it is not a FacilitatorClient as is. */
class InProcessFacilitatorClient implements FacilitatorClient {
  constructor(private readonly facilitator: x402Facilitator) {}
  verify(p: PaymentPayload, r: PaymentRequirements): Promise<VerifyResponse> {
    return this.facilitator.verify(p, r);
  }
  settle(p: PaymentPayload, r: PaymentRequirements): Promise<SettleResponse> {
    return this.facilitator.settle(p, r);
  }
  async getSupported(): Promise<SupportedResponse> {
    return this.facilitator.getSupported() as SupportedResponse;
  }
}

async function localClient(network: Network): Promise<FacilitatorClient> {
  const signer = await loadFeePayer();
  // Pass { defaultRpcUrl }, not a kit Rpc: @x402/svm mistakes kit's Proxy-based Rpc for a per-network map.
  const svmSigner = toFacilitatorSvmSigner(signer, { defaultRpcUrl: env().rpcUrl });
  const facilitator = new x402Facilitator().register(
    network,
    new ExactSvmScheme(svmSigner, undefined, {
      maxPriorityFeeMicroLamports: MAX_PRIORITY_FEE_MICRO_LAMPORTS,
      maxComputeUnits: MAX_COMPUTE_UNITS,
      maxRequiredSignatures: 2, // the payer and our fee payer
    }),
  );
  return new InProcessFacilitatorClient(facilitator);
}

async function build(): Promise<Facilitator> {
  const e = env();
  const network = x402Network();
  const setting = e.X402_FACILITATOR;
  const kind = setting === "local" ? "local" : setting === "cdp" ? "cdp" : "http";
  let client: FacilitatorClient;
  let supported: SupportedResponse;
  try {
    client =
      kind === "local"
        ? await localClient(network)
        : new HTTPFacilitatorClient(
            kind === "cdp"
              ? cdpFacilitatorConfig(e.CDP_API_KEY_ID!, e.CDP_API_KEY_SECRET!)
              : { url: setting, timeoutMs: 30_000 },
          );
    supported = await client.getSupported();
  } catch (err) {
    if (isAppError(err)) throw err;
    logger().error({ err, facilitator: kind }, "x402 facilitator failed to start");
    throw new AppError(
      "unavailable",
      "The x402 payment service is unreachable right now. Try again shortly or use an API key.",
    );
  }
  const ours = supported.kinds.find((k) => k.x402Version === 2 && k.scheme === "exact" && k.network === network);
  const feePayer = ours?.extra?.feePayer;
  if (typeof feePayer !== "string") {
    logger().error({ facilitator: kind, network }, "x402 facilitator does not support exact payments on our network");
    throw new AppError("unavailable", "Pay-per-call (x402) is not available on this server. Use an API key instead.");
  }
  const signers = Object.entries(supported.signers ?? {})
    .filter(([pattern]) => pattern === network || pattern === "solana:*")
    .flatMap(([, list]) => list);
  return { kind, client, network, feePayer, feePayers: [...new Set([feePayer, ...signers])] };
}

/** One facilitator per process and configuration; a failed start is retried on the next call. */
export function getFacilitator(): Promise<Facilitator> {
  const e = env();
  // A hosted facilitator may rotate its fee payers: re-read its /supported every 10 minutes.
  const epoch = e.X402_FACILITATOR === "local" ? 0 : Math.floor(Date.now() / 600_000);
  const config = JSON.stringify([
    e.X402_FACILITATOR,
    e.SOLANA_CLUSTER,
    e.rpcUrl,
    e.X402_FEE_PAYER_SECRET ?? "",
    e.DATA_DIR,
    e.CDP_API_KEY_ID ?? "",
    epoch,
  ]);
  const current = peekPart("facilitator");
  if (current?.config === config) return current.facilitator;
  const facilitator = build();
  const entry = { config, facilitator };
  facilitator.catch(() => {
    if (peekPart("facilitator") === entry) setPart("facilitator", undefined);
  });
  setPart("facilitator", entry);
  return facilitator;
}
