import fs from "node:fs";
import path from "node:path";
import { expect, test } from "@playwright/test";

// The browser tests run against a build for the local cluster: its client chunks hold the local
// test wallet exactly once (loaded on demand). components/wallet/local-wallet/bundle.test.ts
// checks that a devnet or mainnet build holds none of it.
const STORAGE_KEY = "solrouter.localTestWallet"; // LOCAL_WALLET_STORAGE_KEY in local-wallet/wallet.ts

test("the localnet build carries the local test wallet in one lazily loaded chunk", () => {
  const dist = path.resolve(process.env.NEXT_DIST_DIR || ".next");
  const cfg = JSON.parse(fs.readFileSync(path.join(dist, "required-server-files.json"), "utf8")) as {
    config?: { env?: Record<string, string> };
  };
  expect(cfg.config?.env?.SOLROUTER_BUILD_CLUSTER).toBe("localnet");
  const dir = path.join(dist, "static");
  const chunks = (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".js"))
    .filter((f) => fs.readFileSync(path.join(dir, f), "utf8").includes(STORAGE_KEY));
  expect(chunks).toHaveLength(1);
});
