import { describe, expect, it } from "vitest";
import { EnvError, parseEnv, publicOrigin } from "@/lib/env";

describe("configuration", () => {
  it("works with nothing set (npm run dev)", () => {
    const e = parseEnv({});
    expect(e).toMatchObject({
      PORT: 3000,
      APP_URL: "http://localhost:3000",
      SOLANA_CLUSTER: "localnet",
      DATA_DIR: ".data",
      X402_FACILITATOR: "local",
    });
    expect(e.rpcUrl).toBe("http://127.0.0.1:8899");
    expect(e.DATABASE_URL).toBeUndefined();
  });

  it("reports one line per bad or missing variable", () => {
    try {
      parseEnv({
        PORT: "abc",
        SOLANA_CLUSTER: "testnet",
        DATABASE_URL: "mysql://x",
        ROUTER_PRICE_USD: "-1",
        INTERNAL_JWT_PUBLIC_KEYS: "{",
      });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(EnvError);
      const lines = (err as EnvError).problems;
      expect(lines).toHaveLength(5);
      for (const name of ["PORT", "SOLANA_CLUSTER", "DATABASE_URL", "ROUTER_PRICE_USD", "INTERNAL_JWT_PUBLIC_KEYS"]) {
        expect(lines.filter((l) => l.startsWith(`${name}:`))).toHaveLength(1);
      }
      expect((err as Error).message.split("\n")).toHaveLength(6);
    }
  });

  it("requires what production and real clusters need", () => {
    expect(() => parseEnv({ NODE_ENV: "production" })).toThrow(/APP_URL: is required in production/);
    const err = (() => {
      try {
        parseEnv({ SOLANA_CLUSTER: "mainnet-beta" });
      } catch (e) {
        return e as EnvError;
      }
    })();
    expect(err?.problems).toEqual([
      "USDC_MINT: is required when SOLANA_CLUSTER is mainnet-beta",
      "TREASURY_ADDRESS: is required when SOLANA_CLUSTER is mainnet-beta",
    ]);
    expect(
      parseEnv({
        SOLANA_CLUSTER: "devnet",
        USDC_MINT: "4zMMC9srt5Ri5X14GAgXhaHii3GnPAEERYPJgZJDncDU",
        TREASURY_ADDRESS: "9xQeWvG816bUx9EPjHmaT23yvVM2ZWbrrpZb9PusVFin",
      }).rpcUrl,
    ).toBe("https://api.devnet.solana.com");
  });

  it("lists a missing APP_URL along with the invalid variables, all at once", () => {
    const err = (() => {
      try {
        parseEnv({ NODE_ENV: "production", PORT: "abc", ROUTER_PRICE_USD: "-1", SOLANA_CLUSTER: "devnet" });
      } catch (e) {
        return e as EnvError;
      }
    })();
    expect(err).toBeInstanceOf(EnvError);
    expect(err!.problems.map((p) => p.split(":")[0]).sort()).toEqual([
      "APP_URL",
      "PORT",
      "ROUTER_PRICE_USD",
      "TREASURY_ADDRESS",
      "USDC_MINT",
    ]);
  });

  it("checks ports are ports", () => {
    for (const value of ["abc", "0", "70000", "3.5"]) {
      expect(() => parseEnv({ PORT: value }), value).toThrow(/PORT: must be a port number/);
    }
    expect(() => parseEnv({ MODEL_PORT: "99999" })).toThrow(/MODEL_PORT: must be a port number/);
    expect(parseEnv({ LOCALNET_PORT: "4810" }).MODEL_PORT).toBe(11435);
  });

  it("hold timings default to today's 10 s / 60 s and a stale window must cover three heartbeats", () => {
    expect(parseEnv({})).toMatchObject({ HOLD_HEARTBEAT_MS: 10_000, HOLD_STALE_MS: 60_000 });
    expect(parseEnv({ HOLD_HEARTBEAT_MS: "1000", HOLD_STALE_MS: "4000" })).toMatchObject({
      HOLD_HEARTBEAT_MS: 1_000,
      HOLD_STALE_MS: 4_000,
    });
    expect(() => parseEnv({ HOLD_HEARTBEAT_MS: "2000", HOLD_STALE_MS: "5000" })).toThrow(
      /HOLD_STALE_MS: must be at least 3/,
    );
    expect(() => parseEnv({ HOLD_STALE_MS: "-1" })).toThrow(/HOLD_STALE_MS: must be positive/);
  });
});

describe("publicOrigin (metadataBase for the Open Graph card)", () => {
  it("is APP_URL's origin when it is a URL, and undefined otherwise (a build without APP_URL)", () => {
    const saved = process.env.APP_URL;
    try {
      process.env.APP_URL = "https://solrouter.example/some/path";
      expect(publicOrigin()).toBe("https://solrouter.example");
      process.env.APP_URL = "not a url";
      expect(publicOrigin()).toBeUndefined();
      delete process.env.APP_URL;
      expect(publicOrigin()).toBeUndefined();
    } finally {
      if (saved === undefined) delete process.env.APP_URL;
      else process.env.APP_URL = saved;
    }
  });
});
