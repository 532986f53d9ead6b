import pg from "pg";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { rawEnv } from "@/lib/env";
import { errorToResponse } from "./errors";

const log = pino({ level: "silent" });

async function failureOf(fn: () => Promise<unknown>): Promise<unknown> {
  try {
    await fn();
  } catch (err) {
    return err;
  }
  throw new Error("expected a failure");
}

describe("errorToResponse", () => {
  it("answers 503 unavailable (with Retry-After) when the database cannot be reached", async () => {
    const c = new pg.Client({ connectionString: "postgres://postgres@127.0.0.1:1/x", connectionTimeoutMillis: 2_000 });
    const res = errorToResponse(await failureOf(() => c.connect()), log);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("1");
    expect(await res.json()).toMatchObject({ error: { code: "unavailable" } });
  });

  it.runIf(!!rawEnv("TEST_DATABASE_URL"))("answers 503 when a statement hits its timeout", async () => {
    const c = new pg.Client({ connectionString: rawEnv("TEST_DATABASE_URL"), statement_timeout: 50 });
    await c.connect();
    try {
      const res = errorToResponse(await failureOf(() => c.query("SELECT pg_sleep(1)")), log);
      expect(res.status).toBe(503);
    } finally {
      await c.end();
    }
  });

  it("keeps anything else a 500 that says nothing of the cause", async () => {
    const res = errorToResponse(new Error("relation secret_table does not exist"), log);
    expect(res.status).toBe(500);
    expect(JSON.stringify(await res.json())).not.toContain("secret_table");
  });
});
