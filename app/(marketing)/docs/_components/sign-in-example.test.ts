// The documented HTTP sign-in, run as printed (its own Node process) against the real routes.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keypair } from "@solana/web3.js";
import * as challengeRoute from "@/app/api/auth/challenge/route";
import * as verifyRoute from "@/app/api/auth/verify/route";
import * as meRoute from "@/app/api/me/route";
import { setDb } from "@/lib/db";
import { overrideEnv, rawEnv } from "@/lib/env";
import { openTestDb, type TestDb } from "@/lib/test/db";
import { serveRoutes } from "@/lib/test/serve";
import { httpSignInExample } from "./sign-in-example";

let db: TestDb;
let server: { url: string; close(): Promise<void> };
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "signin-example-"));
  db = await openTestDb("pglite");
  setDb(db);
  server = await serveRoutes({
    "/api/auth/challenge": challengeRoute,
    "/api/auth/verify": verifyRoute,
    "/api/me": meRoute,
  } as unknown as Parameters<typeof serveRoutes>[0]);
  overrideEnv({ APP_URL: server.url, SIGNIN_RATE_LIMIT_PER_MINUTE: "100000" });
}, 60_000);

afterAll(async () => {
  await server?.close();
  setDb(undefined);
  await db?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("Sign in over HTTP, as the docs show it", () => {
  it("signs in with a keypair file and reads /api/me with the cookie", async () => {
    const kp = Keypair.generate();
    const keyFile = path.join(dir, "id.json");
    fs.writeFileSync(keyFile, JSON.stringify([...kp.secretKey]));
    fs.writeFileSync(path.join(dir, "sign-in.mjs"), httpSignInExample(server.url));
    const { stdout } = await promisify(execFile)(process.execPath, ["sign-in.mjs", keyFile], {
      cwd: dir,
      env: { NODE_ENV: "production" as const, PATH: rawEnv("PATH") },
    });
    expect(stdout).toContain(`wallet: '${kp.publicKey.toBase58()}'`);
    expect(stdout).toMatch(/balanceMicro: 0/);
  });

  it("is the example the README shows", () => {
    const readme = fs.readFileSync(path.resolve(import.meta.dirname, "../../../../README.md"), "utf8");
    expect(readme).toContain(httpSignInExample("https://solrouter.com"));
  });
});
