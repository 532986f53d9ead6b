import { overrideEnv } from "@/lib/env";
import { resetKeyCache } from "@/lib/keys/resolve";
import { setDb } from "@/lib/db";
import { closeTestDb, openTestDb, type DbKind, type TestDb } from "@/lib/test/db";

// The key cache outlives any one database: emptied on the way in and out, so no suite
// resolves a key another suite (or the other database kind) cached.

export async function openKeysDb(kind: DbKind): Promise<TestDb> {
  overrideEnv({ APP_URL: "http://localhost:3000", SOLANA_CLUSTER: "localnet" });
  // useTestDb, spelled out: the React hooks lint rule refuses a use* call in an async function.
  const db = await openTestDb(kind);
  setDb(db);
  await resetKeyCache();
  return db;
}

export async function closeKeysDb(db: TestDb): Promise<void> {
  await resetKeyCache();
  await closeTestDb(db);
}
