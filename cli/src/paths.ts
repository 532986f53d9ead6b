import os from "node:os";
import path from "node:path";

/** Where the session file lives: $XDG_CONFIG_HOME/solrouter, else ~/.config/solrouter. */
export function sessionFile(env: Record<string, string | undefined> = process.env): string {
  const base = env.XDG_CONFIG_HOME || path.join(os.homedir(), ".config");
  return path.join(base, "solrouter", "session.json");
}

/** The Solana CLI's default keypair; it always lives under ~/.config/solana, whatever XDG says. */
export function defaultKeypairFile(): string {
  return path.join(os.homedir(), ".config", "solana", "id.json");
}

export function expandHome(p: string): string {
  return p === "~" || p.startsWith("~/") ? path.join(os.homedir(), p.slice(1)) : p;
}
