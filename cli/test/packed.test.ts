// The published package, not the workspace: `npm pack` (which compiles dist/ through prepare),
// unpacked next to the packed SDK, run by plain node (no tsx, no app lib/). Its third-party
// dependency (@solana/web3.js) is linked from the repository: the npm cache has no copy to
// install offline.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packWorkspace, type PackedPackage } from "@/lib/test/packed";

const ROOT = path.resolve(import.meta.dirname, "../..");
let work: string;
let cli: PackedPackage;
let bin: string;

function unpack(tarball: string, into: string) {
  fs.mkdirSync(into, { recursive: true });
  execFileSync("tar", ["xzf", tarball, "-C", into, "--strip-components=1"]);
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "cli-packed-"));
  cli = packWorkspace("cli", work);
  const sdk = packWorkspace("sdk", work);
  const modules = path.join(work, "project/node_modules");
  unpack(cli.tarball, path.join(modules, "@solrouter/cli"));
  unpack(sdk.tarball, path.join(modules, "@solrouter/sdk"));
  fs.symlinkSync(path.join(ROOT, "node_modules/@solana"), path.join(modules, "@solana"));
  bin = path.join(modules, "@solrouter/cli/dist/main.js");
}, 120_000);

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

describe("@solrouter/cli as published", () => {
  it("ships compiled JavaScript with an executable bin, and no sources or tests", () => {
    expect(cli.files).toEqual(expect.arrayContaining(["dist/main.js", "package.json", "README.md", "LICENSE"]));
    expect(cli.files.some((f) => f.endsWith(".ts"))).toBe(false);
    expect(fs.statSync(bin).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(bin, "utf8").startsWith("#!/usr/bin/env node\n")).toBe(true);
  });

  it("runs with node alone", () => {
    const home = path.join(work, "home");
    const run = (args: string[]) => {
      try {
        return {
          code: 0,
          out: execFileSync(bin, args, {
            env: { NODE_ENV: "production" as const, PATH: process.env.PATH, HOME: home },
            encoding: "utf8",
            stdio: "pipe",
          }),
        };
      } catch (err) {
        const e = err as { status: number; stderr: string };
        return { code: e.status, out: e.stderr };
      }
    };
    expect(run(["--help"]).out).toContain("solrouter keys create --name <n>");
    expect(run(["keys", "list", "--url", "http://127.0.0.1:4219"])).toEqual({
      code: 1,
      out: "unauthenticated: Not signed in to http://127.0.0.1:4219. Run: solrouter login --url http://127.0.0.1:4219 (or set SOLROUTER_API_KEY to a management key)\n",
    });
  });
});
