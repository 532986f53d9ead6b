import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { claimDataDir } from "./dev-preflight";

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "solrouter-dev-"));
const cleanup: (() => void)[] = [];
afterAll(() => cleanup.forEach((f) => f()));

async function listen(port: number, host?: string): Promise<net.Server | undefined> {
  const server = net.createServer();
  return new Promise((resolve) => {
    server.once("error", () => resolve(undefined));
    server.listen(port, host, () => resolve(server));
  });
}

async function occupy(host?: string): Promise<number> {
  const server = (await listen(0, host))!;
  cleanup.push(() => server.close());
  return (server.address() as net.AddressInfo).port;
}

/** Two adjacent busy ports (the local cluster's RPC and WebSocket), both held by this test, so
 * the answer never depends on what else the machine happens to run on the next port. */
async function occupyPair(host: string): Promise<number> {
  for (;;) {
    const first = (await listen(0, host))!;
    const port = (first.address() as net.AddressInfo).port;
    const next = await listen(port + 1, host);
    if (next) {
      cleanup.push(
        () => first.close(),
        () => next.close(),
      );
      return port;
    }
    first.close();
  }
}

/** `npm run dev` as a newcomer starts it; it must stop before starting anything. */
function dev(env: Record<string, string>) {
  const run = spawnSync("node_modules/.bin/tsx", ["scripts/dev.ts"], {
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { status: run.status, stderr: run.stderr.trim(), stdout: run.stdout.trim() };
}

describe("npm run dev preflight", () => {
  it("refuses a second dev server in the same data directory, naming the first one's pid", () => {
    const dir = tmp();
    const first = spawn("sleep", ["60"]);
    cleanup.push(() => first.kill());
    fs.writeFileSync(path.join(dir, "dev.pid"), String(first.pid));
    const run = dev({ DATA_DIR: dir });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(
      `Another dev server is running here (pid ${first.pid}); stop it or set DATA_DIR to run a second one.`,
    );
    expect(fs.existsSync(path.join(dir, "localnet"))).toBe(false);
  });

  it("names the busy port and the variable that moves it, in one line each", async () => {
    const [web, model] = [await occupy(), await occupy("127.0.0.1")];
    const localnetPort = await occupyPair("127.0.0.1");
    const run = dev({
      DATA_DIR: tmp(),
      PORT: String(web),
      LOCALNET_PORT: String(localnetPort),
      MODEL_PORT: String(model),
    });
    expect(run.status).toBe(1);
    expect(run.stderr.split("\n")).toEqual([
      `Port ${web} is already in use by another program; stop it or set PORT to a free port.`,
      `Port ${localnetPort} is already in use by another program; stop it or set LOCALNET_PORT to a free port.`,
      `Port ${localnetPort + 1} is already in use by another program; stop it or set LOCALNET_PORT (its WebSocket uses the next port) to a free port.`,
      `Port ${model} is already in use by another program; stop it or set MODEL_PORT to a free port.`,
    ]);
  });

  it("reports bad settings before starting anything", () => {
    const run = dev({ DATA_DIR: tmp(), PORT: "abc" });
    expect(run.status).toBe(1);
    expect(run.stderr).toBe("Invalid configuration:\n  - PORT: must be a port number");
  });

  it("takes over a data directory whose dev server was killed", () => {
    const dir = tmp();
    const gone = spawnSync("true").pid!;
    fs.writeFileSync(path.join(dir, "dev.pid"), String(gone));
    const claim = claimDataDir(dir);
    expect("release" in claim).toBe(true);
    expect(fs.readFileSync(path.join(dir, "dev.pid"), "utf8")).toBe(String(process.pid));
    if ("release" in claim) claim.release();
    expect(fs.existsSync(path.join(dir, "dev.pid"))).toBe(false);
  });
});
