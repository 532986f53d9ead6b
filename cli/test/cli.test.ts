// The solrouter command end to end, as a user runs it: the compiled bin in its own process, a
// scratch HOME, against the real route handlers over HTTP, the embedded database and a real
// local Solana cluster (the model server is the mock).
import { execFile, execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Keypair } from "@solana/web3.js";
import * as agentRoute from "@/app/agent/route";
import * as challengeRoute from "@/app/api/auth/challenge/route";
import * as verifyRoute from "@/app/api/auth/verify/route";
import * as logoutRoute from "@/app/api/auth/logout/route";
import * as meRoute from "@/app/api/me/route";
import * as configRoute from "@/app/api/config/route";
import * as faucetRoute from "@/app/api/dev/faucet/route";
import * as keysRoute from "@/app/api/keys/route";
import * as keyRoute from "@/app/api/keys/[id]/route";
import * as rollRoute from "@/app/api/keys/[id]/roll/route";
import * as topupsRoute from "@/app/api/topups/route";
import * as confirmRoute from "@/app/api/topups/[id]/confirm/route";
import * as usageRoute from "@/app/api/usage/route";
import * as usageCsvRoute from "@/app/api/usage/export.csv/route";
import { setDb } from "@/lib/db";
import { overrideEnv } from "@/lib/env";
import { resetGateway } from "@/lib/gateway/runtime";
import { clusterEnv, startTestLocalnet, stopTestLocalnet, type TestLocalnet } from "@/lib/test/localnet";
import { openTestDb, type TestDb } from "@/lib/test/db";
import { serveRoutes } from "@/lib/test/serve";
import { startMockModel, type MockModel } from "@/scripts/mock-model";

const ROOT = path.resolve(import.meta.dirname, "../..");
// Compiled into a folder of its own (inside cli/, so it resolves the workspace's packages): the
// packed test rebuilds cli/dist at the same time.
const OUT = path.join(ROOT, `cli/dist-test-${process.pid}`);
const BIN = path.join(OUT, "main.js");
// This helper's port range; the cluster takes this port and the next (WebSocket).
const PORT = Number(process.env.E2E_PORT ?? 4206);
const LOCALNET_PORT = Number(process.env.E2E_LOCALNET_PORT ?? 4207);

let home: string;
let url: string;
let net: TestLocalnet;
let db: TestDb;
let model: MockModel;
let server: { url: string; close(): Promise<void> };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function solrouter(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [BIN, ...args],
      {
        env: { NODE_ENV: "production" as const, PATH: process.env.PATH ?? "", HOME: home, SOLROUTER_URL: url, ...env },
        timeout: 200_000,
        encoding: "utf8",
      },
      (err: Error | null, stdout: string, stderr: string) =>
        resolve({
          code: err ? ((err as { code?: number }).code ?? 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        }),
    );
  });
}

async function ok(args: string[], env?: Record<string, string>): Promise<Run> {
  const r = await solrouter(args, env);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

/** A failure is exactly one line on stderr, starting with the code, and exit status 1. */
async function fails(args: string[], code: string, env?: Record<string, string>): Promise<string> {
  const r = await solrouter(args, env);
  expect(r.code, r.stdout).toBe(1);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(new RegExp(`^${code}: \\S`));
  expect(r.stdout).toBe("");
  return lines[0]!;
}

function writeKeypair(kp: Keypair, file = path.join(home, ".config/solana/id.json")) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify([...kp.secretKey]));
  return file;
}

beforeAll(async () => {
  const tsc = path.join(ROOT, "node_modules/typescript/bin/tsc");
  execFileSync(process.execPath, [tsc, "-p", "tsconfig.json", "--outDir", OUT], {
    cwd: path.join(ROOT, "cli"),
    stdio: "pipe",
  });
  home = fs.mkdtempSync(path.join(os.tmpdir(), "solrouter-cli-"));
  net = await startTestLocalnet({ port: LOCALNET_PORT });
  model = await startMockModel();
  url = `http://127.0.0.1:${PORT}`;
  overrideEnv({
    APP_URL: url,
    UPSTREAM_URL: model.url,
    DATA_DIR: path.join(home, "app"),
    SIGNIN_RATE_LIMIT_PER_MINUTE: "100000",
    ...clusterEnv(net.ln.info),
  });
  db = await openTestDb("pglite");
  setDb(db);
  await resetGateway();
  server = await serveRoutes(
    {
      "/agent": agentRoute,
      "/api/auth/challenge": challengeRoute,
      "/api/auth/verify": verifyRoute,
      "/api/auth/logout": logoutRoute,
      "/api/me": meRoute,
      "/api/config": configRoute,
      "/api/dev/faucet": faucetRoute,
      "/api/keys": keysRoute,
      "/api/keys/[id]": keyRoute,
      "/api/keys/[id]/roll": rollRoute,
      "/api/topups": topupsRoute,
      "/api/topups/[id]/confirm": confirmRoute,
      "/api/usage": usageRoute,
      "/api/usage/export.csv": usageCsvRoute,
    } as unknown as Parameters<typeof serveRoutes>[0],
    { port: PORT },
  );
}, 180_000);

afterAll(async () => {
  await server?.close();
  await resetGateway();
  setDb(undefined);
  await db?.close();
  await model?.close();
  await stopTestLocalnet(net);
  if (home) fs.rmSync(home, { recursive: true, force: true });
  fs.rmSync(OUT, { recursive: true, force: true });
});

describe("solrouter against the dev stack", () => {
  it("signs in with a keypair file, tops up, creates a key that works, revokes it", async () => {
    const kp = Keypair.generate();
    writeKeypair(kp);
    const wallet = kp.publicKey.toBase58();

    const login = await ok(["login", "--json"]);
    expect(JSON.parse(login.stdout)).toEqual({ wallet, url });
    const file = path.join(home, ".config/solrouter/session.json");
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const stored = JSON.parse(fs.readFileSync(file, "utf8"));
    expect(stored.sessions[url]).toMatchObject({ wallet, cookie: expect.stringMatching(/^sr_session=/) });

    // Test money from the local faucet, through the session the CLI stored.
    const faucet = await fetch(`${url}/api/dev/faucet`, {
      method: "POST",
      headers: { cookie: stored.sessions[url].cookie, origin: url },
    });
    expect(faucet.status).toBe(200);
    const usdc = new (await import("@solana/web3.js")).PublicKey(net.ln.info.usdcMint);
    for (let i = 0; i < 60 && (await net.tokenBalance(kp.publicKey, usdc)) === 0n; i++)
      await new Promise((r) => setTimeout(r, 250));
    const before = await net.tokenBalance(kp.publicKey, usdc);
    expect(before).toBeGreaterThanOrEqual(5_000_000n);

    const topup = await ok(["topup", "5", "--token", "usdc"]);
    expect(topup.stdout).toMatch(/Credited \$5\.00\. Balance: \$5\.00\./);
    expect(topup.stderr).toMatch(/paying 5 USDC/);
    expect(await net.tokenBalance(kp.publicKey, usdc)).toBe(before - 5_000_000n);
    expect(JSON.parse((await ok(["balance", "--json"])).stdout)).toEqual({ wallet, balanceMicro: 5_000_000 });

    const created = JSON.parse((await ok(["keys", "create", "--name", "agent", "--json"])).stdout);
    expect(created.secret).toMatch(/^sk_solrouter_[0-9A-Za-z]{38}$/);
    expect(created.key).toMatchObject({ name: "agent", revokedAt: null });

    const call = () =>
      fetch(`${url}/agent`, {
        method: "POST",
        headers: { authorization: `Bearer ${created.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ prompt: "hi", model: "gpt-oss:20b", maxTokens: 16 }),
      });
    const answered = await call();
    expect(answered.status).toBe(200);
    const { costMicro } = (await answered.json()) as { costMicro: number };
    expect(costMicro).toBeGreaterThan(0);

    const list = await ok(["keys", "list"]);
    expect(list.stdout).toContain(created.key.id);
    expect(list.stdout).toMatch(/agent\s+sk_solrouter_\w+…/);
    expect(list.stdout).not.toContain(created.secret);
    const usage = JSON.parse((await ok(["usage", "--since", "24h", "--json"])).stdout);
    expect(usage.totals).toMatchObject({ requests: 1, costMicro });
    const csv = await ok(["usage", "--csv"]);
    expect(csv.stdout.split("\n")[0]).toMatch(/model/);
    expect(csv.stdout.trim().split("\n")).toHaveLength(2);

    const revoked = await ok(["keys", "revoke", created.key.id]);
    expect(revoked.stdout).toContain(`Revoked "agent"`);
    const refused = await call();
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { code: string } }).error.code).toBe("revoked_api_key");
    expect(JSON.parse((await ok(["balance", "--json"])).stdout).balanceMicro).toBe(5_000_000 - costMicro);
  }, 240_000);

  it("writes a new key to --env-file instead of printing it, and rolls keys", async () => {
    const env = path.join(home, "project.env");
    fs.writeFileSync(env, "OTHER=1");
    const created = await ok(["keys", "create", "--name", "ci", "--env-file", env, "--json"]);
    const printed = JSON.parse(created.stdout);
    expect(printed.secret).toBeUndefined();
    const secret = /SOLROUTER_API_KEY=(sk_solrouter_\w+)\n$/.exec(fs.readFileSync(env, "utf8"))?.[1];
    expect(fs.readFileSync(env, "utf8").startsWith("OTHER=1\nSOLROUTER_API_KEY=")).toBe(true);
    expect(secret).toBeDefined();
    expect(created.stdout + created.stderr).not.toContain(secret!);

    const rolled = JSON.parse((await ok(["keys", "roll", printed.key.id, "--grace", "1h", "--json"])).stdout);
    expect(rolled.replaced.id).toBe(printed.key.id);
    expect(rolled.secret).not.toBe(secret);
    expect(Date.parse(rolled.replaced.expiresAt) - Date.now()).toBeGreaterThan(3500_000);
    await fails(["keys", "roll", printed.key.id, "--grace", "2h"], "invalid_arguments");
  }, 120_000);

  it("creates a management key with limits, then works from SOLROUTER_API_KEY without a session", async () => {
    const made = JSON.parse(
      (
        await ok([
          "keys",
          "create",
          "--name",
          "ops",
          "--manage",
          "--cap-usd",
          "5",
          "--cap-period",
          "week",
          "--models",
          "gpt-oss:20b",
          "--json",
        ])
      ).stdout,
    );
    expect(made.key).toMatchObject({
      canManageKeys: true,
      models: ["gpt-oss:20b"],
      spendCap: { micro: 5_000_000, period: "week" },
    });
    // A fresh HOME: no stored session, only the management key.
    const bare = { HOME: fs.mkdtempSync(path.join(os.tmpdir(), "solrouter-cli-key-")), SOLROUTER_API_KEY: made.secret };
    const bal = JSON.parse((await ok(["balance", "--json"], bare)).stdout);
    expect(typeof bal.balanceMicro).toBe("number");
    const child = JSON.parse(
      (
        await ok(
          [
            "keys",
            "create",
            "--name",
            "worker",
            "--cap-usd",
            "1",
            "--cap-period",
            "day",
            "--models",
            "gpt-oss:20b",
            "--json",
          ],
          bare,
        )
      ).stdout,
    );
    expect(child.key.spendCap).toEqual({ micro: 1_000_000, period: "day" });
    const listed = JSON.parse((await ok(["keys", "list", "--json"], bare)).stdout);
    expect(listed.keys.map((k: { id: string }) => k.id)).toContain(child.key.id);
    // Beyond its own cap: refused by the server, in one line.
    await fails(
      ["keys", "create", "--name", "big", "--cap-usd", "50", "--cap-period", "day", "--models", "gpt-oss:20b"],
      "forbidden",
      bare,
    );
    await fails(["keys", "create", "--name", "x", "--cap-period", "day"], "invalid_arguments");
  }, 120_000);

  it("says what is wrong in one line: bad keypair, wrong URL, expired session, bad arguments", async () => {
    const bad = path.join(home, "bad.json");
    fs.writeFileSync(bad, "[1,2,3]");
    expect(await fails(["login", "--keypair", bad], "invalid_keypair")).toContain(bad);
    expect(await fails(["login", "--keypair", path.join(home, "missing.json")], "invalid_keypair")).toContain(
      "does not exist",
    );
    const corrupt = [...Keypair.generate().secretKey];
    corrupt[40] = (corrupt[40]! + 1) % 256;
    fs.writeFileSync(bad, JSON.stringify(corrupt));
    expect(await fails(["login", "--keypair", bad], "invalid_keypair")).toContain("does not match");

    // Nothing listens there (this helper's range, unused); and a URL that is not one.
    await fails(["login", "--url", "http://127.0.0.1:4219"], "connection_error");
    await fails(["balance", "--url", "http://127.0.0.1:4219"], "unauthenticated");
    await fails(["balance", "--url", "ftp://x"], "invalid_url");

    await db.query("UPDATE sessions SET expires_at = now() - interval '1 minute'");
    expect(await fails(["balance"], "unauthenticated")).toContain("solrouter login");
    await fails(["keys", "list", "--json"], "unauthenticated");

    await fails(["keys", "create"], "invalid_arguments");
    await fails(["usage", "--since", "1y"], "invalid_arguments");
    await fails(["frobnicate"], "invalid_arguments");
    await fails(["topup", "5", "--nope"], "invalid_arguments");

    // Signing in again fixes it; logging out forgets the session here and on the server.
    await ok(["login"]);
    await ok(["balance"]);
    expect((await ok(["logout"])).stdout).toContain("Signed out");
    await fails(["balance"], "unauthenticated");
  }, 240_000);
});
