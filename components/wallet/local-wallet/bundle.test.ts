// Checks the client chunks of every production build in the repository (.next, .next-*) that
// records its cluster: the local test wallet's code is emitted only by a build for localnet. Build
// for devnet to see the other half, e.g. `SOLANA_CLUSTER=devnet NEXT_DIST_DIR=.next-devnet npx next build`.
// A clean checkout has no build when Vitest runs, so e2e/bundle.spec.ts checks the localnet build
// that `npm test` makes for the browser tests.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LOCAL_WALLET_STORAGE_KEY } from "./wallet";

const root = path.resolve(import.meta.dirname, "../../..");
const builds = fs
  .readdirSync(root)
  .filter((d) => d.startsWith(".next") && fs.existsSync(path.join(root, d, "BUILD_ID")))
  .map((d) => path.join(root, d))
  // Builds made before the cluster was recorded cannot say which they are.
  .filter((dist) => buildCluster(dist) !== undefined);

function buildCluster(dist: string): string | undefined {
  const file = path.join(dist, "required-server-files.json");
  const cfg = JSON.parse(fs.readFileSync(file, "utf8")) as { config?: { env?: Record<string, string> } };
  return cfg.config?.env?.SOLROUTER_BUILD_CLUSTER;
}

function chunksMentioning(dist: string, needle: string): string[] {
  const dir = path.join(dist, "static");
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .filter((f) => f.endsWith(".js"))
    .filter((f) => fs.readFileSync(path.join(dir, f), "utf8").includes(needle));
}

describe.skipIf(builds.length === 0)("built client chunks", () => {
  it.each(builds)("%s holds the local test wallet only if built for localnet", (dist) => {
    const cluster = buildCluster(dist);
    expect(cluster).toBeDefined();
    const found = chunksMentioning(dist, LOCAL_WALLET_STORAGE_KEY);
    if (cluster === "localnet") expect(found).toHaveLength(1);
    else expect(found).toEqual([]);
  });
});
