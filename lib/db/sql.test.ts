import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sql } from "drizzle-orm";
import { openTestDb, testDbKinds, type TestDb } from "@/lib/test/db";
import { accounts } from "./schema";

describe.each(testDbKinds())("typed sql on %s", (kind) => {
  let db: TestDb;
  beforeAll(async () => {
    db = await openTestDb(kind);
  });
  afterAll(() => db.close());

  it("numbers the parameters of composed fragments, on the handle and in a transaction", async () => {
    const a = sql`SELECT ${1}::int AS one`;
    const b = sql`SELECT ${"two"}::text AS two`;
    const composed = sql`WITH a AS (${a}), b AS (${b}) SELECT one, two, ${3n}::bigint::text AS three FROM a, b`;
    expect(await db.rows<{ one: number; two: string; three: string }>(composed)).toEqual([
      { one: 1, two: "two", three: "3" },
    ]);
    const inTx = await db.transaction((tx) => tx.rows<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${accounts}`));
    expect(inTx).toEqual([{ n: 0 }]);
  });
});
