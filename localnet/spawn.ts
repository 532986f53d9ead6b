import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { LocalnetInfo } from "./server";

export interface SpawnedLocalnet {
  info: LocalnetInfo;
  stop(): Promise<void>;
  process: ChildProcess;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

/** Runs the localnet as a child process (for tests and the dev script) and resolves once it prints its info line. */
export function spawnLocalnet(options: { port?: number; dataDir: string; quiet?: boolean }): Promise<SpawnedLocalnet> {
  const args = [
    "localnet/main.ts",
    "--port",
    String(options.port ?? 8899),
    "--data-dir",
    path.resolve(options.dataDir),
  ];
  if (options.quiet) args.push("--quiet");
  // --exit-with-stdin: if this process dies without stopping the child, the closed pipe shuts it down
  // instead of leaving an orphan holding the port and the data dir lock.
  args.push("--exit-with-stdin");
  const child = spawn(path.join(ROOT, "node_modules/.bin/tsx"), args, { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });

  let stderr = "";
  let stopping = false;
  child.stderr!.setEncoding("utf8").on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-20_000);
    if (!options.quiet) process.stderr.write(chunk);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const stop = async (): Promise<void> => {
    stopping = true;
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    child.stdin?.end();
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  };

  return new Promise((resolve, reject) => {
    let stdout = "";
    let settled = false;
    const fail = (why: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop();
      reject(new Error(`localnet ${why}\n--- stderr ---\n${stderr}`));
    };
    const timer = setTimeout(() => fail(`did not become ready within ${READY_TIMEOUT_MS / 1000}s`), READY_TIMEOUT_MS);
    child.once("error", (e) => fail(`failed to start: ${e.message}`));
    child.once("exit", (code, signal) => fail(`exited early (code ${code}, signal ${signal})`));
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      if (settled) return;
      stdout += chunk;
      const newline = stdout.indexOf("\n");
      if (newline === -1) return;
      let info: LocalnetInfo;
      try {
        info = JSON.parse(stdout.slice(0, newline)) as LocalnetInfo;
      } catch {
        return fail(`printed an unexpected first line: ${stdout.slice(0, newline)}`);
      }
      settled = true;
      clearTimeout(timer);
      child.once("exit", (code, signal) => {
        if (!stopping) process.stderr.write(`localnet exited unexpectedly (code ${code}, signal ${signal})\n`);
      });
      resolve({ info, stop, process: child });
    });
  });
}
