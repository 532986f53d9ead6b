import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { API_KEY, SECRET, setupMockApi } from "../test/fixtures.js";
import { errorBody, startMockServer } from "../test/mock-server.js";
import { ConfigurationError, SolRouter, SolRouterError } from "./index.js";

const api = setupMockApi();

const client = (opts: Partial<ConstructorParameters<typeof SolRouter>[0]> = {}) =>
  new SolRouter({ apiKey: API_KEY, baseUrl: api.server.url, maxRetries: 0, ...opts });

const call = (c: SolRouter) => c.agent({ prompt: "Say hi", model: "gpt-oss:20b", maxTokens: 64 });

describe("configuration", () => {
  it("throws a clear error when no credentials are configured", () => {
    expect(() => new SolRouter()).toThrow(ConfigurationError);
    expect(() => new SolRouter()).toThrow(/SOLROUTER_API_KEY/);
    try {
      new SolRouter();
    } catch (e) {
      expect(e).toMatchObject({ code: "missing_credentials" });
    }
  });

  it("rejects malformed keys without echoing them", () => {
    for (const bad of ["sk_live_abcdef1234567890", `sk_solrouter_${SECRET}`, `${API_KEY}!`]) {
      let caught: unknown;
      try {
        new SolRouter({ apiKey: bad });
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(ConfigurationError);
      expect(caught).toMatchObject({ code: "malformed_api_key" });
      expect(String((caught as Error).message)).not.toContain(bad);
      expect(inspect(caught)).not.toContain(SECRET.slice(4));
    }
  });

  it("validates numeric options and the base URL", () => {
    expect(() => client({ maxRetries: -1 })).toThrow(ConfigurationError);
    expect(() => client({ timeoutMs: 0 })).toThrow(ConfigurationError);
    expect(() => client({ baseUrl: "ftp://x" })).toThrow(ConfigurationError);
  });
});

describe("secret hygiene", () => {
  const assertRedacted = (text: string) => {
    expect(text).not.toContain(SECRET);
    expect(text).not.toContain(SECRET.slice(0, 12));
    expect(text).not.toContain(API_KEY);
  };

  it("never shows the key when the client is printed or serialised", () => {
    const c = client();
    assertRedacted(String(c));
    assertRedacted(`${c}`);
    assertRedacted(JSON.stringify(c));
    assertRedacted(JSON.stringify({ nested: { c } }));
    assertRedacted(inspect(c, { showHidden: true, depth: 10 }));
    assertRedacted(inspect({ c }, { showHidden: true, depth: 10 }));
    expect(String(c)).toBe(`SolRouter { baseUrl: '${api.server.url}', apiKey: 'sk_solrouter_Ab3x…' }`);
    expect(JSON.parse(JSON.stringify(c))).toEqual({ baseUrl: api.server.url, apiKey: "sk_solrouter_Ab3x…" });
    expect(Object.keys(c)).not.toContain("apiKey");
  });

  it("never shows the key in errors", async () => {
    api.replies = [{ status: 401, body: errorBody("invalid_api_key", "That key is not valid.") }];
    const httpError = await call(client()).catch((e: unknown) => e);
    const dead = await startMockServer(() => ({ status: 200 }));
    await dead.close();
    const connError = await call(client({ baseUrl: dead.url })).catch((e: unknown) => e);
    for (const error of [httpError, connError]) {
      expect(error).toBeInstanceOf(SolRouterError);
      assertRedacted(String(error));
      assertRedacted(JSON.stringify(error));
      assertRedacted(inspect(error, { showHidden: true, depth: 10 }));
      assertRedacted((error as Error).stack ?? "");
    }
  });
});
