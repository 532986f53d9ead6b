import fs from "node:fs";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { Keypair } from "@solana/web3.js";

const KEY_NAMES = ["faucet", "mintAuthority", "treasury", "usdcMint", "routerMint"] as const;
export type KeyName = (typeof KEY_NAMES)[number];

export interface LocalnetState {
  genesisMs: number;
  seed: Uint8Array;
  keys: Record<KeyName, Keypair>;
}

interface StateFile {
  version: 1;
  genesisMs: number;
  seed: string;
  keys: Record<KeyName, number[]>;
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, "r");
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Write-to-temp, fsync, rename: a crash leaves either the old or the new file, never half of one. */
function writeFileAtomic(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, "w", 0o600);
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

/** Loads the keypairs and genesis parameters, creating them on first start. */
export function loadOrCreateState(dir: string): { state: LocalnetState; created: boolean } {
  const file = path.join(dir, "state.json");
  if (fs.existsSync(file)) {
    const raw = JSON.parse(fs.readFileSync(file, "utf8")) as StateFile;
    if (raw.version !== 1) throw new Error(`unsupported localnet state version in ${file}`);
    const keys = Object.fromEntries(
      KEY_NAMES.map((k) => [k, Keypair.fromSecretKey(Uint8Array.from(raw.keys[k]))]),
    ) as Record<KeyName, Keypair>;
    return { state: { genesisMs: raw.genesisMs, seed: Buffer.from(raw.seed, "hex"), keys }, created: false };
  }
  const keys = Object.fromEntries(KEY_NAMES.map((k) => [k, Keypair.generate()])) as Record<KeyName, Keypair>;
  const state: LocalnetState = { genesisMs: Date.now(), seed: randomBytes(32), keys };
  const out: StateFile = {
    version: 1,
    genesisMs: state.genesisMs,
    seed: Buffer.from(state.seed).toString("hex"),
    keys: Object.fromEntries(KEY_NAMES.map((k) => [k, Array.from(keys[k].secretKey)])) as Record<KeyName, number[]>,
  };
  writeFileAtomic(file, JSON.stringify(out, null, 1));
  return { state, created: true };
}

const isAlive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/** Two servers replaying and appending to one journal would fork its history, so the data dir is locked. */
export function acquireLock(dir: string): () => void {
  const file = path.join(dir, "lock");
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: "wx" });
      return () => fs.rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const pid = Number(fs.readFileSync(file, "utf8"));
      if (pid && pid !== process.pid && isAlive(pid)) {
        throw new Error(`localnet data dir ${dir} is in use by process ${pid}`);
      }
      fs.rmSync(file, { force: true }); // stale lock from a crashed run
    }
  }
  throw new Error(`could not lock ${dir}`);
}

/** Append-only NDJSON log of applied transactions; each append is fsynced before the caller answers. */
export class Journal {
  private fd: number;

  constructor(private readonly file: string) {
    this.fd = fs.openSync(file, "a");
  }

  /** Reads every complete entry; a torn final line from a crash mid-append is cut off. */
  static read(file: string): unknown[] {
    if (!fs.existsSync(file)) return [];
    const text = fs.readFileSync(file, "utf8");
    const entries: unknown[] = [];
    let offset = 0;
    while (offset < text.length) {
      const end = text.indexOf("\n", offset);
      const line = end === -1 ? text.slice(offset) : text.slice(offset, end);
      try {
        if (end === -1) throw new Error("unterminated");
        if (line.trim()) entries.push(JSON.parse(line));
      } catch {
        if (end !== -1 && text.slice(end + 1).trim())
          throw new Error(`corrupt journal entry in ${file} at byte ${offset}`);
        fs.truncateSync(file, Buffer.byteLength(text.slice(0, offset)));
        break;
      }
      offset = end + 1;
    }
    return entries;
  }

  append(entry: unknown): void {
    fs.writeSync(this.fd, `${JSON.stringify(entry, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v))}\n`);
    fs.fsyncSync(this.fd);
  }

  close(): void {
    fs.closeSync(this.fd);
  }
}
