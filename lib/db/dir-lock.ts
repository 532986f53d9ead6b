import "server-only";
import fs from "node:fs";

// Two processes opening one PGlite directory both succeed and silently corrupt it, so the
// directory is guarded by a lock file holding the owner's pid.
const held = new Set<string>();

export class DbLockedError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database at ${dir} is already open in process ${pid}. ` +
        "Stop that process, or set DATABASE_URL to a PostgreSQL database to run several processes on one database.",
    );
    this.name = "DbLockedError";
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function acquireDirLock(dir: string): () => void {
  const file = `${dir}.lock`;
  if (held.has(file)) throw new DbLockedError(dir, process.pid);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      held.add(file);
      const release = () => {
        if (!held.delete(file)) return;
        try {
          if (fs.readFileSync(file, "utf8") === String(process.pid)) fs.unlinkSync(file);
        } catch {
          // Already gone: nothing to release.
        }
      };
      process.once("exit", release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const pid = Number(fs.readFileSync(file, "utf8").trim());
      if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) throw new DbLockedError(dir, pid);
      // A crashed owner left the file behind: take it over.
      fs.rmSync(file, { force: true });
    }
  }
  throw new Error(`Could not lock ${dir}`);
}
