// Checks `npm run dev` makes before starting anything, so a clash is one plain line instead of a
// stack trace from whichever child process lost the race.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";

export interface PortUse {
  port: number;
  /** The environment variable that moves it. */
  variable: string;
  /** Next listens on every interface; the local pieces on loopback only. */
  host?: string;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * One dev server per data directory (its embedded database and chain state allow one writer).
 * Returns the pid of the dev server already running here, or claims the directory for this one.
 */
export function claimDataDir(dataDir: string): { otherPid: number } | { release(): void } {
  fs.mkdirSync(dataDir, { recursive: true });
  const file = path.join(dataDir, "dev.pid");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return {
        release: () => {
          try {
            if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.unlinkSync(file);
          } catch {
            // Already gone.
          }
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(fs.readFileSync(file, "utf8"));
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) return { otherPid: pid };
      fs.rmSync(file, { force: true }); // left by a dev server that was killed
    }
  }
  throw new Error(`Could not claim ${file}`);
}

function portFree({ port, host }: PortUse): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once("error", () => resolve(false));
    probe.listen({ port, host, exclusive: true }, () => probe.close(() => resolve(true)));
  });
}

export async function busyPorts(uses: PortUse[]): Promise<PortUse[]> {
  const free = await Promise.all(uses.map(portFree));
  return uses.filter((_, i) => !free[i]);
}

export function describeBusyPort(use: PortUse): string {
  return `Port ${use.port} is already in use by another program; stop it or set ${use.variable} to a free port.`;
}
