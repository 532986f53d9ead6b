// Packs a workspace package the way `npm publish` would and installs the tarball into a scratch
// project, offline (its dependencies must already be in the npm cache): what a user of the
// published package gets, not what the monorepo resolves. Used for @solrouter/sdk; the CLI
// package does the same with its own tarball.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

const ROOT = path.resolve(import.meta.dirname, "../..");

export interface PackedPackage {
  tarball: string;
  /** Paths inside the package, as `npm pack` lists them. */
  files: string[];
}

/** `npm pack` (which runs the package's `prepare` build) into `outDir`. */
export function packWorkspace(workspace: string, outDir: string): PackedPackage {
  const out = execFileSync("npm", ["pack", "--json", "--pack-destination", outDir], {
    cwd: path.join(ROOT, workspace),
    encoding: "utf8",
  });
  const [info] = JSON.parse(out.slice(out.indexOf("["))) as { filename: string; files: { path: string }[] }[];
  return { tarball: path.join(outDir, info!.filename), files: info!.files.map((f) => f.path) };
}

/** A new project in a temporary folder with the tarballs installed; `files` are written into it. */
export function scratchProject(tarballs: string[], files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solrouter-packed-"));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "scratch", private: true, type: "module" }));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  execFileSync("npm", ["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", ...tarballs], {
    cwd: dir,
    encoding: "utf8",
    stdio: "pipe",
  });
  return dir;
}

/** The repository's TypeScript compiler, run in `dir` (the scratch project has no dev tools). */
export function tsc(dir: string, args: string[]): string {
  try {
    return execFileSync(process.execPath, [path.join(ROOT, "node_modules/typescript/bin/tsc"), ...args], {
      cwd: dir,
      encoding: "utf8",
      stdio: "pipe",
    });
  } catch (err) {
    // tsc prints its diagnostics on stdout.
    const { stdout, stderr } = err as { stdout?: string; stderr?: string };
    throw new Error(`tsc failed:\n${stdout ?? ""}${stderr ?? ""}`);
  }
}
