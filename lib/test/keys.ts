import { overrideEnv } from "@/lib/env";
import { resetRuntime } from "@/lib/runtime";
import { closeTestDb, installTestDb, type DbKind, type TestDb } from "@/lib/test/db";
import { expect } from "vitest";
import { call } from "@/lib/test/http";
import { GET as listRoute, POST as createRoute } from "@/app/api/keys/route";
import { DELETE as revokeRoute, PATCH as patchRoute } from "@/app/api/keys/[id]/route";
import { POST as rollRoute } from "@/app/api/keys/[id]/roll/route";

type Caller = { cookie: string };

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

/** The key routes as a signed-in user calls them (cookie and our Origin). */
export const keysApi = {
  create: (a: Caller, body: unknown) => call(createRoute, { path: "/api/keys", cookie: a.cookie, body }),
  list: (a: Caller) => call(listRoute, { path: "/api/keys", cookie: a.cookie }),
  revoke: (a: Caller, id: string) =>
    call(revokeRoute, { method: "DELETE", path: `/api/keys/${id}`, cookie: a.cookie, params: { id } }),
  patch: (a: Caller, id: string, body: unknown) =>
    call(patchRoute, { method: "PATCH", path: `/api/keys/${id}`, cookie: a.cookie, params: { id }, body }),
  roll: (a: Caller, id: string, body: unknown) =>
    call(rollRoute, { path: `/api/keys/${id}/roll`, cookie: a.cookie, params: { id }, body }),
};

/** A key resolution (or any domain call) that must fail with this contract code. */
export async function expectCode(p: Promise<unknown>, code: string) {
  await expect(p).rejects.toMatchObject({ code });
}
