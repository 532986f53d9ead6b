import { afterAll, beforeAll } from "vitest";
import { overrideEnv } from "@/lib/env";
import { resetRuntime } from "@/lib/runtime";
import { getDb } from "@/lib/db";
import { postLedgerEntry } from "@/lib/billing/ledger";
import { generateApiKey } from "@/lib/keys/format";
import { closeTestDb, openTestDb, type DbKind, type TestDb } from "@/lib/test/db";
import { startTestLocalnet, stopTestLocalnet, type TestLocalnet } from "@/lib/test/localnet";
import { startMockModel, type MockModel } from "@/lib/test/mock-model";
import { signedInAccount } from "@/lib/test/session";

// The one setup of an integration suite: configuration, a fresh database installed as the
// process's, a runtime with no state left by an earlier suite (key cache, gateway, facilitator…),
// and optionally the stand-in model server; all undone after the suite.

type EnvValues = Record<string, string | undefined>;

export interface TestRuntimeOptions {
  /** Laid over the environment (overrideEnv) before the database opens; a function sees the stand-in model. */
  env?: EnvValues | ((model: MockModel | undefined) => EnvValues | Promise<EnvValues>);
  /** Start the stand-in model server and point UPSTREAM_URL at it. */
  model?: boolean;
}

export interface TestRuntime {
  /** The suite's database; usable from the suite's hooks and tests on (it forwards to the open handle). */
  readonly db: TestDb;
  /** The stand-in model server (only with `model: true`). */
  readonly model: MockModel;
}

/** A process runtime with a fresh `kind` database for the enclosing describe (or file). */
export function testRuntime(kind: DbKind, opts: TestRuntimeOptions = {}): TestRuntime {
  let db: TestDb | undefined;
  let model: MockModel | undefined;
  beforeAll(async () => {
    if (opts.model) model = await startMockModel();
    const values = typeof opts.env === "function" ? await opts.env(model) : opts.env;
    if (values || model) overrideEnv({ ...values, ...(model ? { UPSTREAM_URL: model.url } : {}) });
    db = await openTestDb(kind);
    await resetRuntime({ db });
  });
  afterAll(async () => {
    await resetRuntime();
    await closeTestDb(db);
    await model?.close();
    db = model = undefined;
  });
  return {
    db: forwarding(() => db, "the suite's database is open only between its beforeAll and afterAll"),
    model: forwarding(() => model, "the stand-in model runs only with { model: true }, inside the suite"),
  };
}

/** The stand-in model server for a suite without a database; UPSTREAM_URL points at it. */
export function testModel(env: EnvValues = {}): MockModel {
  let model: MockModel | undefined;
  beforeAll(async () => {
    model = await startMockModel();
    overrideEnv({ ...env, UPSTREAM_URL: model.url });
  });
  afterAll(async () => {
    await model?.close();
    model = undefined;
  });
  return forwarding(() => model, "the stand-in model runs only inside the suite");
}

/** A local cluster with a funded treasury for the whole file (its beforeAll/afterAll). */
export function testLocalnet(): TestLocalnet {
  let net: TestLocalnet | undefined;
  beforeAll(async () => {
    net = await startTestLocalnet();
  });
  afterAll(async () => {
    await stopTestLocalnet(net);
    net = undefined;
  });
  return forwarding(() => net, "the local cluster runs only inside the file's suites");
}

/** The value exists only once beforeAll ran, but suites name it where they declare the fixture. */
export function forwarding<T extends object>(current: () => T | undefined, missing: string): T {
  const target = () => current() ?? fail(missing);
  return new Proxy({} as T, {
    get(_, prop) {
      const t = target();
      const value = Reflect.get(t, prop, t) as unknown;
      return typeof value === "function" ? (value as (...a: unknown[]) => unknown).bind(t) : value;
    },
    has: (_, prop) => Reflect.has(target(), prop),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, prop) => {
      const d = Reflect.getOwnPropertyDescriptor(target(), prop);
      return d && { ...d, configurable: true };
    },
  });
}

function fail(message: string): never {
  throw new Error(message);
}

export interface FundedKey {
  accountId: string;
  wallet: string;
  cookie: string;
  keyId: string;
  secret: string;
}

/**
 * A signed-in account with an API key, credited `micro` by a ledger adjustment (0: unfunded).
 * Uses the process's database: call it inside a suite set up by testRuntime.
 */
export async function fundedKey(
  micro: bigint,
  opts: { name?: string; expiresAt?: Date; spendCapMicro?: bigint; reference?: string } = {},
): Promise<FundedKey> {
  const account = await signedInAccount();
  const key = await insertKey(account.accountId, opts);
  if (micro > 0n) await credit(account.accountId, micro, opts.reference);
  return { ...account, keyId: key.id, secret: key.secret };
}

/** An API key row for `accountId`, written directly (not through the keys API). */
export async function insertKey(
  accountId: string,
  opts: { name?: string; expiresAt?: Date; spendCapMicro?: bigint } = {},
): Promise<{ id: string; secret: string }> {
  const k = generateApiKey();
  const [row] = await (
    await getDb()
  ).query<{ id: string }>(
    "INSERT INTO api_keys (account_id, name, key_hash, start, expires_at, spend_cap_micro) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    [accountId, opts.name ?? "test", k.hash, k.start, opts.expiresAt ?? null, opts.spendCapMicro?.toString() ?? null],
  );
  return { id: row!.id, secret: k.secret };
}

/** Credits `accountId` by a ledger adjustment. */
export function credit(accountId: string, micro: bigint, reference = `test:${crypto.randomUUID()}`) {
  return postLedgerEntry({ accountId, amountMicro: micro, kind: "adjustment", reference });
}
