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
  /** Exits nobody asked for (a crash): each one fails the run. */
  crashes: string[];
  start(): Promise<void>;
  kill(signal: NodeJS.Signals): void;
}

// Children this script stopped or killed on purpose (any other exit is a crash).
const killed = new WeakSet<ChildProcess>();

export function instance(name: string, port: number, env: Record<string, string>, logFile: string): Instance {
  const inst: Instance = {
    name,
    url: `http://127.0.0.1:${port}`,
    alive: false,
    crashes: [],
    async start() {
      const log = fs.openSync(logFile, "a");
      const child = spawn(
        process.execPath,
        ["--import", "tsx", "--conditions=react-server", "scripts/chaos/instance.ts"],
        {
          stdio: ["ignore", log, log],
          env: {
            ...process.env,
            ...env,
            PORT: String(port),
            APP_URL: `http://127.0.0.1:${port}`,
            NODE_ENV: "production",
          },
        },
      );
      inst.proc = child;
      inst.alive = true;
      child.on("exit", (code, signal) => {
        if (inst.proc === child) inst.alive = false;
        if (!killed.has(child)) inst.crashes.push(`${name} exited by itself (code ${code}, signal ${signal})`);
      });
      for (let i = 0; i < 600; i++) {
        if (!inst.alive || child.exitCode !== null) throw new Error(`${name} exited during start (see ${logFile})`);
        const ok = await fetch(`${inst.url}/api/health`).then(
          (r) => r.ok,
          () => false,
        );
        if (ok) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      throw new Error(`${name} did not become healthy`);
    },
    kill(signal) {
      if (inst.proc && (signal === "SIGKILL" || signal === "SIGTERM")) killed.add(inst.proc);
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
  killed.add(p);
  p.kill("SIGCONT");
  p.kill(signal);
  await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
  if (p.exitCode === null && p.signalCode === null) p.kill("SIGKILL");
}

/** The last `n` warnings, errors and crash traces of a log, each cut to one readable line. */
export function lastTroubles(file: string, n: number): string[] {
  let text = "";
  try {
    text = fs.readFileSync(file, "utf8");
  } catch {
    return [];
  }
  return text
    .split("\n")
    .filter((l) => /"level":(40|50|60)|Error|uncaught|exited/i.test(l))
    .slice(-n)
    .map((l) => (l.length > 400 ? `${l.slice(0, 400)}…` : l));
}
