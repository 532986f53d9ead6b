// A private PostgreSQL cluster for the chaos run, so it can be restarted without disturbing
// anyone else on the shared server: initdb into a temporary folder, its own port and socket dir.
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import fs from "node:fs";
import path from "node:path";

const version = fs.readdirSync("/usr/lib/postgresql").sort().at(-1);
const bin = (name: string) => `/usr/lib/postgresql/${version}/bin/${name}`;
// initdb refuses to run as root; the cluster belongs to the postgres user when we are root.
const asPg = (cmd: string, args: string[]) =>
  process.getuid?.() === 0
    ? execFileSync("runuser", ["-u", "postgres", "--", cmd, ...args], { stdio: "pipe" })
    : execFileSync(cmd, args, { stdio: "pipe" });

export interface PrivatePg {
  url: string;
  /** Asynchronous, so the load keeps running while PostgreSQL goes down and comes back. */
  restart(): Promise<void>;
  stop(): void;
}

export function startPrivatePg(dir: string, port: number): PrivatePg {
  const data = path.join(dir, "pg");
  fs.mkdirSync(data, { recursive: true });
  if (process.getuid?.() === 0) execFileSync("chown", ["-R", "postgres", dir]);
  asPg(bin("initdb"), ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  const ctl = (...args: string[]) =>
    asPg(bin("pg_ctl"), ["-D", data, "-w", "-l", path.join(dir, "pg.log"), "-o", opts, ...args]);
  ctl("start");
  asPg(bin("createdb"), ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "chaos"]);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/chaos`,
    restart: async () => {
      const args = ["-D", data, "-w", "-l", path.join(dir, "pg.log"), "-o", opts, "restart", "-m", "fast"];
      if (process.getuid?.() === 0)
        await promisify(execFile)("runuser", ["-u", "postgres", "--", bin("pg_ctl"), ...args]);
      else await promisify(execFile)(bin("pg_ctl"), args);
    },
    stop: () => void ctl("stop", "-m", "immediate"),
  };
}
