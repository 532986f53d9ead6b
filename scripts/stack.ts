// The local pieces the app needs besides itself: the local Solana cluster and, when no
// UPSTREAM_URL is given, the stand-in model server. Used by `npm run dev`, the e2e server and
// the benchmarks, so all three run the same stack.
import path from "node:path";
import { spawnLocalnet, type SpawnedLocalnet } from "../localnet/spawn";
import { startMockModel, type MockModel } from "./mock-model";

export interface Stack {
  env: Record<string, string>;
  localnet?: SpawnedLocalnet;
  model?: MockModel;
  stop(): Promise<void>;
}

export async function startStack(opts: {
  dataDir: string;
  localnetPort?: number;
  modelPort?: number;
  upstreamUrl?: string;
  cluster?: string;
  quiet?: boolean;
}): Promise<Stack> {
  const env: Record<string, string> = {};
  let localnet: SpawnedLocalnet | undefined;
  let model: MockModel | undefined;
  if ((opts.cluster ?? "localnet") === "localnet") {
    localnet = await spawnLocalnet({
      port: opts.localnetPort ?? 8899,
      dataDir: path.join(opts.dataDir, "localnet"),
      quiet: opts.quiet,
    });
    env.SOLANA_CLUSTER = "localnet";
    env.SOLANA_RPC_URL = localnet.info.rpcUrl;
    env.USDC_MINT = localnet.info.usdcMint;
    env.ROUTER_MINT = localnet.info.routerMint;
    env.TREASURY_ADDRESS = localnet.info.treasury;
  }
  if (opts.upstreamUrl) {
    env.UPSTREAM_URL = opts.upstreamUrl;
  } else {
    model = await startMockModel(opts.modelPort ?? 0);
    env.UPSTREAM_URL = model.url;
  }
  return {
    env,
    localnet,
    model,
    async stop() {
      await Promise.allSettled([localnet?.stop(), model?.close()]);
    },
  };
}
