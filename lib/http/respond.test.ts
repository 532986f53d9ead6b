import { describe, expect, it } from "vitest";
import { z } from "zod";
import { microUsd, wireDate } from "@/lib/wire";
import { respond } from "./respond";

const Thing = z.object({ id: z.string(), costMicro: microUsd("cost"), at: wireDate.nullable() }).describe("Thing");

describe("respond", () => {
  it("writes bigints as JSON integers and Dates as ISO strings, through the schema", async () => {
    const at = new Date("2026-12-04T10:00:00.123Z");
    const res = respond(Thing, { id: "a", costMicro: 1_234_567n, at }, { status: 201 });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe('{"id":"a","costMicro":1234567,"at":"2026-12-04T10:00:00.123Z"}');
  });

  it("fails loudly (outside production) when the value has a field the schema would drop", () => {
    const value = { id: "a", costMicro: 1n, at: null, secretHash: "x" };
    expect(() => respond(Thing, value)).toThrow(/drops or changes fields/);
  });

  it("treats a value the schema refuses as our bug: a plain Error, never a client's ZodError", () => {
    const bad = { id: "a", costMicro: 1.5, at: null } as unknown as z.output<typeof Thing>;
    let thrown: unknown;
    try {
      respond(Thing, bad);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect(thrown).not.toBeInstanceOf(z.ZodError);
    expect(String(thrown)).toMatch(/does not match Thing/);
  });
});
