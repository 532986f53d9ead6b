import "server-only";
import { env, EnvError } from "@/lib/env";
import { getDb, closeDb } from "@/lib/db";
import { logger } from "@/lib/log";
import { startBackgroundJobs } from "@/lib/jobs";
import { stopJobs } from "@/lib/runtime";

export async function boot() {
  try {
    env();
  } catch (err) {
    if (err instanceof EnvError) {
      // One clear line per problem, no stack trace: this is an operator's typo, not a bug.
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const log = logger();
  const ready = (async () => {
    try {
      const db = await getDb();
      log.info({ database: db.kind }, "database ready");
    } catch (err) {
      console.error(`Database: ${(err as Error).message}`);
      process.exit(1);
    }
    await startBackgroundJobs();
  })();
  // A warning per missing part (no cluster, no mints, no model server): the server still
  // starts, but says what will not work instead of reporting healthy. Not awaited: requests
  // need not wait for a dependency the server can run without.
  void ready
    .then(async () => (await import("./health")).bootDependencyWarnings())
    .then((lines) => lines.forEach((line) => log.warn(line)))
    .catch(() => undefined);
  await ready;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log.info({ signal }, "shutting down");
    await stopJobs();
    await closeDb().catch((err) => log.error({ err }, "closing the database failed"));
    process.exit(0);
  };
  process.once("SIGTERM", () => void shutdown("SIGTERM"));
  process.once("SIGINT", () => void shutdown("SIGINT"));
}
