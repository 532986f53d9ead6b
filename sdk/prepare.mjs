// `prepare` (npm install in the repository, npm pack): builds dist/ with TypeScript. A production
// install of the repository (`npm ci --omit=dev`) has no TypeScript and does not use the SDK, so
// it is skipped there with one line instead of failing the install.
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  console.log("@solrouter/sdk: TypeScript is not installed (a production install?), dist/ not built.");
  process.exit(0);
}
const run = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { stdio: "inherit" });
process.exit(run.status ?? 1);
