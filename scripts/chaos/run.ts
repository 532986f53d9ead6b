// `npm run chaos` (full) and `npm run chaos -- --short` (the step in `npm test`): two gateway
// instances on a private PostgreSQL and one on PGlite under /agent load, while the run pauses
// and kills instances, restarts PostgreSQL, floods top-up intents and buries payment references
// under junk transactions. Then it checks the money on each database (scripts/chaos/check.ts)
// and prints the figures. Exit 1 on any broken invariant. Everything listens on 127.0.0.1:47xx.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { startPrivatePg } from "./pg";
import { startTestLocalnet } from "@/lib/test/localnet";
import { instance, lastTroubles, stopInstance, type Instance } from "./procs";
import { createKey, signIn, type User } from "./client";
import { newStats, phase, runLoad } from "./load";
import { faults, type Deposits } from "./faults";
import { checkDb } from "./verdict";
import { startMockModel } from "../mock-model";

const short = process.argv.includes("--short");
const cfg = short
  ? {
      rounds: 1,
      pgUsers: 2,
      liteUsers: 1,
      floodUsers: 2,
      maxCalls: 20_000,
      heartbeatMs: 750,
      staleMs: 3_000,
      windowMs: 30_000,
    }
  : {
      rounds: 3,
      pgUsers: 4,
      liteUsers: 2,
      floodUsers: 4,
      maxCalls: 150_000,
      heartbeatMs: 1_000,
      staleMs: 4_000,
      windowMs: 45_000,
    };
const started = Date.now();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "solrouter-chaos-"));
fs.chmodSync(dir, 0o777);
const log = (m: string) => console.log(`[chaos +${((Date.now() - started) / 1000).toFixed(1)}s] ${m}`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const pg = startPrivatePg(dir, 4790);
const chain = await startTestLocalnet({ port: 4700, dataDir: dir });
const model = await startMockModel(4702);
const common = {
  ...chain.env,
  UPSTREAM_URL: model.url,
  HOLD_HEARTBEAT_MS: String(cfg.heartbeatMs),
  HOLD_STALE_MS: String(cfg.staleMs),
  LOG_LEVEL: "warn",
  SIGNIN_RATE_LIMIT_PER_MINUTE: "100000",
  KEY_RATE_LIMIT_PER_MINUTE: "1000000",
  KEY_RATE_LIMIT_BURST: "100000",
};
const logFile = path.join(dir, "instances.log");
const a = instance("pg-a", 4710, { ...common, DATABASE_URL: pg.url }, logFile);
const b = instance("pg-b", 4711, { ...common, DATABASE_URL: pg.url }, logFile);
const lite = instance("pglite", 4712, { ...common, DATABASE_URL: "", DATA_DIR: path.join(dir, "pglite") }, logFile);
const all: Instance[] = [a, b, lite];
const stats = newStats();
const deposits: Deposits = { pg: [], lite: [] };
const counts = { pauses: 0, kills: 0, pgRestarts: 0, floodIntents: 0, junkTxs: 0 };
let exitCode = 1;
try {
  await a.start(); // first alone: it runs the migrations
  await Promise.all([b.start(), lite.start()]);
  log(`instances up (logs: ${logFile})`);

  const user = async (inst: Instance): Promise<User> => {
    const u = await signIn(inst.url, await chain.fundedWallet());
    await createKey(u);
    return u;
  };
  const f = faults({ chain, pg, a, b, lite, cfg, counts, deposits, log, user });
  const pgUsers = await Promise.all(Array.from({ length: cfg.pgUsers }, () => user(a)));
  const liteUsers = await Promise.all(Array.from({ length: cfg.liteUsers }, () => user(lite)));
  for (const u of [...pgUsers, ...liteUsers]) await f.deposit(u, 2_000_000, "confirm");
  log(`${pgUsers.length + liteUsers.length} accounts funded`);

  const workers = [
    ...pgUsers.flatMap((u) => [
      { key: u.key!, targets: [a, b] },
      { key: u.key!, targets: [b, a] },
    ]),
    ...liteUsers.map((u) => ({ key: u.key!, targets: [lite] })),
  ];
  const load = runLoad(workers, stats, cfg.maxCalls);
  for (let round = 1; round <= cfg.rounds; round++) {
    log(`round ${round}/${cfg.rounds}`);
    await f.pauseA();
    await f.floodAndPhone(cfg.floodUsers);
    await f.killBAndBury();
    await f.restartPg();
    await f.killLiteAndBury(liteUsers[0]!);
  }
  phase.name = "drain";
  await load.stop();
  log(`load stopped: ${stats.calls} calls; waiting for the reconciler window and the stale-hold window`);
  const lastPaid = Math.max(...[...deposits.pg, ...deposits.lite].map((d) => d.paidAt));
  await sleep(Math.max(cfg.staleMs * 2, lastPaid + cfg.windowMs - Date.now()));
  await Promise.all(all.map((i) => stopInstance(i)));

  const verdicts = [
    await checkDb("postgres", { DATABASE_URL: pg.url }, deposits.pg, cfg.windowMs, dir),
    await checkDb("pglite", { DATABASE_URL: "", DATA_DIR: path.join(dir, "pglite") }, deposits.lite, cfg.windowMs, dir),
  ];
  // While PostgreSQL restarts, calls may be refused, but only as the contract's 503 (retry), never a 500.
  const isAllowed = (e: (typeof stats.fiveXx)[number]) => e.phase === "pg-restart" && e.status === 503;
  const allowed = stats.fiveXx.filter(isAllowed);
  const unexpected = stats.fiveXx.filter((e) => !isAllowed(e));
  const problems = [
    ...verdicts.flatMap((v) => v.problems.map((p) => `${v.name}: ${p}`)),
    ...unexpected.slice(0, 20).map((e) => `unexpected ${e.status} from ${e.instance} during ${e.phase}: ${e.body}`),
  ];
  if (unexpected.length > 20) problems.push(`… and ${unexpected.length - 20} more unexpected 5xx`);
  problems.push(...all.flatMap((i) => i.crashes));

  console.log(`\nchaos ${short ? "short" : "full"} run, ${((Date.now() - started) / 1000).toFixed(0)} s`);
  console.log(
    `  faults: ${counts.pauses} SIGSTOP/SIGCONT, ${counts.kills} SIGKILL, ${counts.pgRestarts} PostgreSQL restarts, ${counts.floodIntents} flood intents, ${counts.junkTxs} junk transactions`,
  );
  console.log(
    `  calls: ${stats.calls} sent, ${stats.ok} served (200), by status ${JSON.stringify(stats.byStatus)}, ${stats.transport} transport errors, ${allowed.length} 503s during the PostgreSQL restart (allowed), ${unexpected.length} other 5xx`,
  );
  for (const v of verdicts)
    console.log(
      `  ${v.name}: ${v.deposits} deposits checked (${v.creditedChecked} µ$ credited once), Σ balances ${v.balanceMicro} µ$ = deposits ${v.depositsMicro} − usage ${v.usageMicro}, ${v.holdRows} hold rows left`,
    );
  if (problems.length) {
    console.log(`  FAILED (${problems.length}):`);
    for (const p of problems) console.log(`    - ${p}`);
  } else console.log("  all invariants held");
  exitCode = problems.length ? 1 : 0;
} catch (err) {
  console.error("chaos run broke:", err);
} finally {
  await Promise.allSettled(all.map((i) => stopInstance(i, "SIGKILL")));
  await Promise.allSettled([chain.ln.stop(), model.close()]);
  try {
    pg.stop();
  } catch {}
  if (exitCode === 0) fs.rmSync(dir, { recursive: true, force: true });
  else {
    console.log(`  kept ${dir} (instance logs, pg.log); the instances' last warnings and errors:`);
    for (const line of lastTroubles(logFile, 30)) console.log(`    ${line}`);
  }
}
process.exit(exitCode);
