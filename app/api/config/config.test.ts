import { afterAll, describe, expect, it } from "vitest";
import { overrideEnv } from "@/lib/env";
import { call } from "@/lib/test/http";
import { GET as configRoute } from "./route";

const MINTS = {
  USDC_MINT: "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU",
  TREASURY_ADDRESS: "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
};
const SECRET_RPC = "https://solana-mainnet.provider.example/?api-key=s3cr3t-key";

async function published(values: Record<string, string | undefined>) {
  overrideEnv({
    APP_URL: "http://localhost:3000",
    SOLANA_RPC_URL: undefined,
    PUBLIC_SOLANA_RPC_URL: undefined,
    ...values,
  });
  const res = await call(configRoute, { path: "/api/config" });
  expect(res.status).toBe(200);
  return res;
}

describe("GET /api/config publishes a browser RPC endpoint, never the server's", () => {
  afterAll(() => void overrideEnv({}));

  it("gives the cluster's public endpoint when the server uses a keyed provider URL", async () => {
    for (const [cluster, pub] of [
      ["mainnet-beta", "https://api.mainnet-beta.solana.com"],
      ["devnet", "https://api.devnet.solana.com"],
    ] as const) {
      const res = await published({ ...MINTS, SOLANA_CLUSTER: cluster, SOLANA_RPC_URL: SECRET_RPC });
      expect(res.json.rpcUrl).toBe(pub);
      expect(res.text).not.toContain("s3cr3t");
      expect(res.text).not.toContain("provider.example");
    }
  });

  it("gives PUBLIC_SOLANA_RPC_URL when set", async () => {
    const res = await published({
      ...MINTS,
      SOLANA_CLUSTER: "mainnet-beta",
      SOLANA_RPC_URL: SECRET_RPC,
      PUBLIC_SOLANA_RPC_URL: "https://rpc.public.example",
    });
    expect(res.json.rpcUrl).toBe("https://rpc.public.example");
    expect(res.text).not.toContain("s3cr3t");
  });

  it("gives the local cluster on localnet, where the browser must reach the same chain", async () => {
    expect((await published({ SOLANA_CLUSTER: "localnet", LOCALNET_PORT: "8123" })).json.rpcUrl).toBe(
      "http://127.0.0.1:8123",
    );
    expect((await published({ SOLANA_CLUSTER: "localnet", SOLANA_RPC_URL: "http://127.0.0.1:9555" })).json.rpcUrl).toBe(
      "http://127.0.0.1:9555",
    );
  });
});
