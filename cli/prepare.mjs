// `prepare` (npm install in the repository, npm pack): compiles src/ to dist/ with TypeScript, so
// the published package is plain JavaScript run by node (no tsx at run time). It needs the SDK's
// declarations; npm may prepare this workspace before the SDK's, so the SDK is built first when
// its dist/ is missing. A production install (no TypeScript) skips the build with one line.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";

let tsc;
try {
  tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
} catch {
  console.log("@solrouter/cli: TypeScript is not installed (a production install?), dist/ not built.");
  process.exit(0);
}
const sdk = new URL("../sdk/", import.meta.url);
if (fs.existsSync(new URL("prepare.mjs", sdk)) && !fs.existsSync(new URL("dist/index.d.ts", sdk))) {
  const built = spawnSync(process.execPath, ["prepare.mjs"], { cwd: sdk, stdio: "inherit" });
  if (built.status !== 0) process.exit(built.status ?? 1);
}
const run = spawnSync(process.execPath, [tsc, "-p", "tsconfig.json"], { stdio: "inherit" });
if (run.status === 0) fs.chmodSync(new URL("dist/main.js", import.meta.url), 0o755);
process.exit(run.status ?? 1);
