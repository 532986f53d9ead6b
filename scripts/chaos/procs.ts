// Gateway instances as child processes (real SIGSTOP/SIGKILL), each with its own environment.
// Node runs the server itself with tsx as a loader: the tsx CLI would put a wrapper process in
// between, and a signal to the wrapper never reaches the server.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";

export interface Instance {
  name: string;
  url: string;
  proc?: ChildProcess;
  alive: boolean;
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

export function instance(name: string, port: number, env: Record<string, string>, logFile: string): Instance {
  const inst: Instance = {
    name,
    url: `http://127.0.0.1:${port}`,
    alive: false,
    async start() {
      const log = fs.openSync(logFile, "a");
      const child = spawn(process.execPath, ["--import", "tsx", "--conditions=react-server", "scripts/chaos/instance.ts"], {
        stdio: ["ignore", log, log],
        env: { ...process.env, ...env, PORT: String(port), APP_URL: `http://127.0.0.1:${port}`, NODE_ENV: "production" },
      });
      inst.proc = child;
      inst.alive = true;
      child.on("exit", () => {
        if (inst.proc === child) inst.alive = false;
      });
      for (let i = 0; i < 600; i++) {
        if (!inst.alive || child.exitCode !== null) throw new Error(`${name} exited during start (see ${logFile})`);
        const ok = await fetch(`${inst.url}/api/health`).then((r) => r.ok, () => false);
        if (ok) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`${name} did not become healthy`);
    },
    kill(signal) {
      inst.proc?.kill(signal);
    },
  };
  return inst;
}

/** Stops a child and waits for it to exit. */
export async function stopInstance(inst: Instance, signal: NodeJS.Signals = "SIGTERM"): Promise<void> {
  const p = inst.proc;
  if (!p || p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise((r) => p.once("exit", r));
  p.kill("SIGCONT");
  p.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
}
