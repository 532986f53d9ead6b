import { describe, expect, it } from "vitest";
import { localWalletAllowed } from "./gate";

describe("local test wallet gate", () => {
  it("is offered only when both the build and the server run against localnet", () => {
    expect(localWalletAllowed("localnet", "localnet")).toBe(true);
  });

  it.each([
    ["localnet", "devnet"],
    ["localnet", "mainnet-beta"],
    ["devnet", "devnet"],
    ["mainnet-beta", "mainnet-beta"],
    ["devnet", "localnet"],
    ["mainnet-beta", "localnet"],
    [undefined, "localnet"],
    ["localnet", undefined],
  ])("is not offered for a %s build against a %s server", (build, runtime) => {
    expect(localWalletAllowed(build, runtime)).toBe(false);
  });
});
