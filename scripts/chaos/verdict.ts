// Runs scripts/chaos/check.ts against one database in its own process and reads its verdict.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import type { Deposit } from "./faults";

export async function checkDb(
  name: string,
  env: Record<string, string>,
  deposits: Deposit[],
  windowMs: number,
  dir: string,
) {
  const file = path.join(dir, `deposits-${name}.json`);
  fs.writeFileSync(file, JSON.stringify({ deposits, windowMs }));
  const r = spawnSync("node_modules/.bin/tsx", ["--conditions=react-server", "scripts/chaos/check.ts", file], {
    env: { ...process.env, ...env, LOG_LEVEL: "warn" },
    encoding: "utf8",
  });
  const line = r.stdout.trim().split("\n").at(-1) ?? "";
  try {
    return {
      name,
      deposits: deposits.length,
      ...(JSON.parse(line) as {
        problems: string[];
        balanceMicro: string;
        depositsMicro: string;
        usageMicro: string;
        creditedChecked: string;
        holdRows: number;
      }),
    };
  } catch {
    return {
      name,
      deposits: deposits.length,
      problems: [`check did not run: ${r.stderr.slice(-500)}`],
      balanceMicro: "?",
      depositsMicro: "?",
      usageMicro: "?",
      creditedChecked: "?",
      holdRows: -1,
    };
  }
}
