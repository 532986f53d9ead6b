import { overrideEnv } from "@/lib/env";
import { resetRuntime } from "@/lib/runtime";
import { closeTestDb, installTestDb, type DbKind, type TestDb } from "@/lib/test/db";

// The key cache outlives any one database: emptied on the way in and out, so no suite
// resolves a key another suite (or the other database kind) cached.

export async function openKeysDb(kind: DbKind): Promise<TestDb> {
  overrideEnv({ APP_URL: "http://localhost:3000", SOLANA_CLUSTER: "localnet" });
  return installTestDb(kind);
}

export async function closeKeysDb(db: TestDb): Promise<void> {
  await resetRuntime();
  await closeTestDb(db);
}
