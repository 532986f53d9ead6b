import { logger } from "@/lib/log";

/**
 * Runs `fn` with the server's logger at `fatal`: for a test that injects a failure on purpose, so
 * a passing run prints no error line that reads like a real one. The level is restored after.
 */
export async function withQuietLogs<T>(fn: () => Promise<T>): Promise<T> {
  const log = logger();
  const level = log.level;
  log.level = "fatal";
  try {
    return await fn();
  } finally {
    log.level = level;
  }
}
