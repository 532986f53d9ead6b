import { afterAll, beforeAll, describe, expect, it } from "vitest";
import nacl from "tweetnacl";
import bs58 from "bs58";
import { overrideEnv } from "@/lib/env";
import { setDb } from "@/lib/db";
import { openTestDb, type TestDb } from "@/lib/test/db";
import { call } from "@/lib/test/http";
import type { SignInInput } from "@/lib/auth/siws-message";
import { signedVerifyBody } from "@/lib/test/siws-input";
import { appOrigins, isAppOrigin } from "@/lib/http/dev-origins";
import { GET as challenge } from "@/app/api/auth/challenge/route";
import { POST as verify } from "@/app/api/auth/verify/route";
import { POST as createKey } from "@/app/api/keys/route";

describe("which origins are ours", () => {
  afterAll(() => void overrideEnv({}));

  it("in development, localhost and 127.0.0.1 on the dev port", () => {
    overrideEnv({ NODE_ENV: "development", APP_URL: "http://localhost:3000" });
    expect(appOrigins()).toEqual(["http://localhost:3000", "http://127.0.0.1:3000"]);
    expect(isAppOrigin("http://127.0.0.1:3000")).toBe(true);
    for (const o of [
      "http://127.0.0.1:3001",
      "http://localhost",
      "https://localhost:3000",
      "http://evil.test:3000",
      null,
    ])
      expect(isAppOrigin(o)).toBe(false);
    overrideEnv({ NODE_ENV: "development", APP_URL: "http://127.0.0.1:4201" });
    expect(appOrigins()).toEqual(["http://127.0.0.1:4201", "http://localhost:4201"]);
  });

  it("only APP_URL's origin in production, in tests, and for a non-loopback APP_URL", () => {
    overrideEnv({ NODE_ENV: "production", APP_URL: "http://localhost:3000" });
    expect(appOrigins()).toEqual(["http://localhost:3000"]);
    overrideEnv({ NODE_ENV: "test", APP_URL: "http://localhost:3000" });
    expect(isAppOrigin("http://127.0.0.1:3000")).toBe(false);
    overrideEnv({ NODE_ENV: "development", APP_URL: "http://192.168.1.5:3000" });
    expect(appOrigins()).toEqual(["http://192.168.1.5:3000"]);
  });
});

describe("signing in on http://127.0.0.1 in development", () => {
  let db: TestDb;
  beforeAll(async () => {
    overrideEnv({
      NODE_ENV: "development",
      APP_URL: "http://localhost:3000",
      SOLANA_CLUSTER: "localnet",
      SIGNIN_RATE_LIMIT_PER_MINUTE: "100000",
    });
    db = await openTestDb("pglite");
    setDb(db);
  });
  afterAll(async () => {
    setDb(undefined);
    await db.close();
    overrideEnv({});
  });

  async function signIn(host: string, origin: string) {
    const kp = nacl.sign.keyPair();
    const address = bs58.encode(kp.publicKey);
    const res = await call(challenge, { path: `/api/auth/challenge?address=${address}`, headers: { host } });
    const input = res.json.input as SignInInput;
    return { input, res: await call(verify, { body: signedVerifyBody(input, kp), origin }) };
  }

  it("names the page's host in the challenge and accepts its Origin", async () => {
    const { input, res } = await signIn("127.0.0.1:3000", "http://127.0.0.1:3000");
    expect(input).toMatchObject({ domain: "127.0.0.1:3000", uri: "http://127.0.0.1:3000" });
    expect(res.status).toBe(200);
    const cookie = String(res.headers.get("set-cookie")).split(";")[0]!;
    const created = await call(createKey, {
      body: { name: "dev" },
      cookie,
      origin: "http://127.0.0.1:3000",
    });
    expect(created.status).toBe(201);
    const foreign = await call(createKey, {
      body: { name: "x" },
      cookie,
      origin: "http://evil.test:3000",
    });
    expect(foreign.json.error.code).toBe("bad_origin");
  });

  it("falls back to APP_URL for any other host", async () => {
    const { input } = await signIn("evil.test:3000", "http://localhost:3000");
    expect(input.domain).toBe("localhost:3000");
  });
});
