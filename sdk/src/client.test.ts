import { encodePaymentRequiredHeader } from "@x402/core/http";
import { describe, expect, it, vi } from "vitest";
import { API_KEY, SUCCESS, setupMockApi } from "../test/fixtures.js";
import { errorBody, startMockServer } from "../test/mock-server.js";
import {
  APIConnectionError,
  APIUserAbortError,
  AuthenticationError,
  ConflictError,
  InsufficientBalanceError,
  InvalidRequestError,
  NotFoundError,
  PayloadTooLargeError,
  PaymentRequiredError,
  PermissionDeniedError,
  RateLimitError,
  SolRouter,
  SolRouterError,
  SpendLimitError,
  UnavailableError,
  UpstreamError,
  type FetchLike,
} from "./index.js";

const api = setupMockApi();

const client = (opts: Partial<ConstructorParameters<typeof SolRouter>[0]> = {}) =>
  new SolRouter({ apiKey: API_KEY, baseUrl: api.server.url, maxRetries: 0, ...opts });

const call = (c: SolRouter) => c.agent({ prompt: "Say hi", model: "gpt-oss:20b", maxTokens: 64 });

describe("success", () => {
  it("POSTs the contract body with the bearer key and parses the response", async () => {
    api.replies = [{ status: 200, body: SUCCESS, headers: { "x-request-id": "req_1" } }];
    const res = await call(client());
    expect(res).toMatchObject(SUCCESS);
    expect(res.requestId).toBe("req_1");
    const [req] = api.server.requests;
    expect(req?.method).toBe("POST");
    expect(req?.path).toBe("/agent");
    expect(req?.headers.authorization).toBe(`Bearer ${API_KEY}`);
    expect(JSON.parse(req?.body ?? "")).toEqual({ prompt: "Say hi", model: "gpt-oss:20b", maxTokens: 64 });
  });

  it("reads the key from SOLROUTER_API_KEY and the base URL from SOLROUTER_BASE_URL", async () => {
    vi.stubEnv("SOLROUTER_API_KEY", `${API_KEY}\n`);
    vi.stubEnv("SOLROUTER_BASE_URL", `${api.server.url}/`);
    api.replies = [{ status: 200, body: SUCCESS }];
    const c = new SolRouter({ maxRetries: 0 });
    expect(c.baseUrl).toBe(api.server.url);
    await call(c);
    expect(api.server.requests[0]?.headers.authorization).toBe(`Bearer ${API_KEY}`);
  });

  it("defaults the base URL to https://solrouter.com", () => {
    expect(new SolRouter({ apiKey: API_KEY }).baseUrl).toBe("https://solrouter.com");
  });

  it("lists models without sending credentials", async () => {
    const models = [{ id: "gpt-oss:20b", inputPriceMicroPerMTok: 1, outputPriceMicroPerMTok: 2, x402PriceMicro: 3 }];
    api.replies = [{ status: 200, body: { models } }];
    expect(await client().models()).toEqual(models);
    expect(api.server.requests[0]?.path).toBe("/api/models");
    expect(api.server.requests[0]?.headers.authorization).toBeUndefined();
  });

  it("uses a custom fetch", async () => {
    api.replies = [{ status: 200, body: SUCCESS }];
    const spy = vi.fn<FetchLike>((input, init) => fetch(input, init));
    await call(client({ fetch: spy }));
    expect(spy).toHaveBeenCalledOnce();
  });

  it("rejects a 200 whose body is not the contract JSON", async () => {
    api.replies = [{ status: 200, body: "<html>oops</html>" }];
    await expect(call(client())).rejects.toMatchObject({ code: "invalid_response", status: 200 });
  });
});

describe("error mapping", () => {
  const cases: Array<[number, string, new (...args: never[]) => SolRouterError]> = [
    [400, "invalid_request", InvalidRequestError],
    [400, "unknown_model", InvalidRequestError],
    [401, "invalid_api_key", AuthenticationError],
    [401, "revoked_api_key", AuthenticationError],
    [401, "expired_api_key", AuthenticationError],
    [401, "invalid_token", AuthenticationError],
    [402, "insufficient_balance", InsufficientBalanceError],
    [402, "key_spend_limit", SpendLimitError],
    [402, "payment_required", PaymentRequiredError],
    [402, "payment_invalid", PaymentRequiredError],
    [403, "model_not_allowed", PermissionDeniedError],
    [403, "key_not_allowed", PermissionDeniedError],
    [403, "forbidden", PermissionDeniedError],
    [404, "not_found", NotFoundError],
    [409, "idempotency_conflict", ConflictError],
    [409, "idempotency_in_progress", ConflictError],
    [413, "payload_too_large", PayloadTooLargeError],
    [429, "rate_limited", RateLimitError],
    [502, "upstream_error", UpstreamError],
    [503, "unavailable", UnavailableError],
  ];

  it.each(cases)("%i %s → %o", async (status, code, ErrorClass) => {
    api.replies = [{ status, body: errorBody(code, "plain words"), headers: { "x-request-id": "req_err" } }];
    const error = await call(client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(SolRouterError);
    expect(error).toMatchObject({ code, status, message: "plain words", requestId: "req_err", name: ErrorClass.name });
    expect(api.server.requests).toHaveLength(1);
  });

  it("exposes Retry-After seconds on RateLimitError", async () => {
    api.replies = [{ status: 429, body: errorBody("rate_limited"), headers: { "retry-after": "7" } }];
    const error = await call(client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).retryAfter).toBe(7);
  });

  it("handles non-JSON error bodies", async () => {
    api.replies = [
      { status: 502, body: "<html><h1>Bad Gateway</h1></html>", headers: { "content-type": "text/html" } },
    ];
    const error = await call(client()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({ code: "upstream_error", status: 502 });
    expect((error as Error).message).toContain("HTTP 502");

    api.replies = [{ status: 418, body: "" }];
    const teapot = await call(client()).catch((e: unknown) => e);
    expect(teapot).toBeInstanceOf(SolRouterError);
    expect(teapot).toMatchObject({ code: "http_error", status: 418 });
  });

  it("decodes the PAYMENT-REQUIRED header onto PaymentRequiredError", async () => {
    const header = encodePaymentRequiredHeader({
      x402Version: 2,
      resource: { url: `${api.server.url}/agent` },
      accepts: [
        {
          scheme: "exact",
          network: "solana:EtWTRABZaYq6iMfeYKouRu166VU2xqa1",
          asset: "Mint1",
          amount: "1500",
          payTo: "PayTo1",
          maxTimeoutSeconds: 60,
          extra: {},
        },
      ],
    });
    api.replies = [{ status: 402, body: errorBody("payment_required"), headers: { "payment-required": header } }];
    const error = (await call(client()).catch((e: unknown) => e)) as PaymentRequiredError;
    expect(error).toBeInstanceOf(PaymentRequiredError);
    expect(error.paymentRequired?.accepts[0]).toMatchObject({ amount: "1500", asset: "Mint1" });
  });
});

describe("retries", () => {
  it("retries 429 after Retry-After, then succeeds", async () => {
    api.replies = [
      { status: 429, body: errorBody("rate_limited"), headers: { "retry-after": "1" } },
      { status: 200, body: SUCCESS },
    ];
    const started = Date.now();
    const res = await call(client({ maxRetries: 2 }));
    expect(res.output).toBe("hi!");
    expect(api.server.requests).toHaveLength(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("gives up on a Retry-After longer than the cap instead of stalling", async () => {
    api.replies = [{ status: 429, body: errorBody("rate_limited"), headers: { "retry-after": "3600" } }];
    const error = await call(client({ maxRetries: 2 })).catch((e: unknown) => e);
    expect((error as RateLimitError).retryAfter).toBe(3600);
    expect(api.server.requests).toHaveLength(1);
  });

  it("retries 503 up to maxRetries, then throws", async () => {
    api.replies = [{ status: 503, body: errorBody("unavailable") }];
    const error = await call(client({ maxRetries: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect(api.server.requests).toHaveLength(3);
  });

  it("keeps a 503's Retry-After on the error and in its JSON form", async () => {
    api.replies = [{ status: 503, body: errorBody("unavailable"), headers: { "retry-after": "3600" } }];
    const error = (await call(client({ maxRetries: 2 })).catch((e: unknown) => e)) as UnavailableError;
    expect(error.retryAfter).toBe(3600);
    expect(error.toJSON()).toMatchObject({ name: "UnavailableError", code: "unavailable", retryAfter: 3600 });
  });

  it.each([
    [402, "insufficient_balance"],
    [402, "payment_required"],
    [400, "invalid_request"],
    [401, "invalid_api_key"],
    [502, "upstream_error"],
  ])("never retries %i %s", async (status, code) => {
    api.replies = [
      { status, body: errorBody(code) },
      { status: 200, body: SUCCESS },
    ];
    await expect(call(client({ maxRetries: 2 }))).rejects.toMatchObject({ code });
    expect(api.server.requests).toHaveLength(1);
  });

  it("retries connection failures and then throws APIConnectionError", async () => {
    const dead = await startMockServer(() => ({ status: 200 }));
    const deadUrl = dead.url;
    await dead.close();
    const spy = vi.fn<FetchLike>((input, init) => fetch(input, init));
    const error = await call(client({ baseUrl: deadUrl, maxRetries: 1, fetch: spy })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ code: "connection_error", status: undefined });
    expect(spy).toHaveBeenCalledTimes(2);
  });
});

describe("timeouts and aborts", () => {
  it("turns a slow server into APIConnectionError(timeout) without retrying", async () => {
    api.replies = [{ status: 200, body: SUCCESS, delayMs: 2_000 }];
    const started = Date.now();
    const error = await call(client({ timeoutMs: 150, maxRetries: 2 })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APIConnectionError);
    expect(error).toMatchObject({ code: "timeout" });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(api.server.requests).toHaveLength(1);
  });

  it("honours the caller's AbortSignal", async () => {
    api.replies = [{ status: 200, body: SUCCESS, delayMs: 2_000 }];
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const pending = client().agent({ prompt: "x", model: "m", signal: controller.signal });
    await expect(pending).rejects.toBeInstanceOf(APIUserAbortError);
  });
});
