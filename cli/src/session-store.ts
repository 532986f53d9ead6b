// The session file: one cookie per server origin, so a local dev stack and production can both
// be signed in. Written 0600 (it is a bearer credential) through a temporary file and a rename,
// so a crash never leaves half a file.
import fs from "node:fs";
import path from "node:path";
import { sessionFile } from "./paths.js";

export interface StoredSession {
  /** `name=value` of the session cookie as the server set it. */
  cookie: string;
  wallet: string;
  expiresAt?: string;
  /** The keypair signed in with; `topup` pays from it unless told otherwise. */
  keypair?: string;
}

interface SessionFileShape {
  sessions: Record<string, StoredSession>;
}

function read(file: string): SessionFileShape {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, "utf8")) as Partial<SessionFileShape>;
    return { sessions: parsed.sessions && typeof parsed.sessions === "object" ? parsed.sessions : {} };
  } catch {
    return { sessions: {} };
  }
}

function write(file: string, data: SessionFileShape) {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(data, null, 2) + "\n", { mode: 0o600 });
  fs.chmodSync(tmp, 0o600);
  fs.renameSync(tmp, file);
}

export function loadSession(origin: string, file = sessionFile()): StoredSession | undefined {
  return read(file).sessions[origin];
}

export function saveSession(origin: string, session: StoredSession, file = sessionFile()) {
  const data = read(file);
  data.sessions[origin] = session;
  write(file, data);
}

export function forgetSession(origin: string, file = sessionFile()): boolean {
  const data = read(file);
  if (!(origin in data.sessions)) return false;
  delete data.sessions[origin];
  write(file, data);
  return true;
}
