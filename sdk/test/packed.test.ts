// The published package, not the workspace: pack @solrouter/sdk, check what it ships, install the
// tarball into a scratch project, type-check a strict example against its declarations and run
// it against the server's own /agent code.
import { execFile } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as agentRoute from "@/app/agent/route";
import * as modelsRoute from "@/app/api/models/route";
import { postLedgerEntry } from "@/lib/billing/ledger";
import { generateApiKey } from "@/lib/keys/format";
import { packWorkspace, scratchProject, tsc, type PackedPackage } from "@/lib/test/packed";
import { testRuntime } from "@/lib/test/runtime";
import { serveRoutes } from "@/lib/test/serve";
import { signedInAccount } from "@/lib/test/session";

const EXAMPLE = `import { SolRouter, InsufficientBalanceError, type AgentResponse } from "@solrouter/sdk";

const client = new SolRouter({ baseUrl: process.env.SOLROUTER_URL, maxRetries: 0 });
try {
  const res: AgentResponse = await client.agent({ prompt: "Say hi", model: "gpt-oss:20b", maxTokens: 32 });
  const cost: number = res.costMicro;
  console.log(JSON.stringify({ output: res.output, cost }));
} catch (err) {
  if (err instanceof InsufficientBalanceError) console.log("top up first");
  throw err;
}
`;
const TSCONFIG = {
  compilerOptions: {
    strict: true,
    target: "ES2022",
    module: "NodeNext",
    moduleResolution: "NodeNext",
    lib: ["ES2022", "DOM"],
    types: [],
    outDir: "out",
    skipLibCheck: false,
  },
  include: ["example.ts", "env.d.ts"],
};
// The example reads one variable; declared here so the scratch project needs no @types/node.
const ENV_D_TS = "declare const process: { env: Record<string, string | undefined> };\n";

let work: string;
let pkg: PackedPackage;
let project: string;
let server: { url: string; close(): Promise<void> };

beforeAll(async () => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), "sdk-packed-"));
  pkg = packWorkspace("sdk", work);
  project = scratchProject([pkg.tarball], {
    "example.ts": EXAMPLE,
    "env.d.ts": ENV_D_TS,
    "tsconfig.json": JSON.stringify(TSCONFIG),
  });
}, 180_000);
afterAll(() => {
  for (const dir of [work, project]) if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const { db } = testRuntime("pglite", {
  model: true,
  env: () => ({ APP_URL: "http://localhost:3000", DATA_DIR: path.join(work, "app") }),
});

beforeAll(async () => {
  server = await serveRoutes({ "/agent": agentRoute, "/api/models": modelsRoute });
});
afterAll(() => server?.close());

describe("@solrouter/sdk as published", () => {
  it("ships its build, types, LICENSE, and source maps whose sources are in the package", () => {
    for (const f of ["LICENSE", "README.md", "package.json", "dist/index.js", "dist/index.d.ts"])
      expect(pkg.files).toContain(f);
    expect(pkg.files.some((f) => f.endsWith(".test.ts"))).toBe(false);
    const maps = pkg.files.filter((f) => f.endsWith(".map"));
    expect(maps.length).toBeGreaterThan(0);
    const installed = path.join(project, "node_modules/@solrouter/sdk");
    for (const map of maps) {
      const { sources } = JSON.parse(fs.readFileSync(path.join(installed, map), "utf8")) as { sources: string[] };
      for (const source of sources)
        expect(fs.existsSync(path.resolve(installed, path.dirname(map), source)), `${map} → ${source}`).toBe(true);
    }
    const meta = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8"));
    expect(meta).toMatchObject({ license: "MIT", repository: { type: "git", directory: "sdk" } });
  });

  it("type-checks a strict example and calls the server with it", async () => {
    tsc(project, ["-p", "tsconfig.json"]);
    const { accountId } = await signedInAccount();
    const key = generateApiKey();
    await db.query("INSERT INTO api_keys (account_id, name, key_hash, start) VALUES ($1, 'packed', $2, $3)", [
      accountId,
      key.hash,
      key.start,
    ]);
    await postLedgerEntry({ accountId, amountMicro: 1_000_000n, kind: "adjustment", reference: `packed:${accountId}` });
    // Run outside this process so Node resolves the SDK from the scratch project's node_modules.
    const { stdout } = await promisify(execFile)(process.execPath, ["out/example.js"], {
      cwd: project,
      env: { NODE_ENV: "production", PATH: process.env.PATH, SOLROUTER_API_KEY: key.secret, SOLROUTER_URL: server.url },
    });
    const printed = JSON.parse(stdout) as { output: string; cost: number };
    expect(printed.output).toContain("stand-in");
    expect(printed.cost).toBeGreaterThan(0);
  });

  it("rejects a wrong use at compile time, from the shipped declarations", () => {
    fs.writeFileSync(path.join(project, "example.ts"), EXAMPLE.replace("maxTokens: 32", 'maxTokens: "32"'));
    expect(() => tsc(project, ["-p", "tsconfig.json"])).toThrow(
      /example\.ts\(5,\d+\): error TS2322: Type 'string' is not assignable to type 'number'/,
    );
  });
});
