import "server-only";
import { csvLine } from "@/lib/usage/csv";
import { listActivity } from "./events";

export const ACTIVITY_CSV_HEADER = ["id", "time_utc", "kind", "ip", "user_agent", "details"] as const;

/** The whole log, newest first, as RFC 4180 CSV with formula-looking cells neutralised. */
export async function activityCsv(accountId: string): Promise<string> {
  const parts = [csvLine([...ACTIVITY_CSV_HEADER])];
  let cursor: string | undefined;
  do {
    const page = await listActivity(accountId, { cursor, limit: 1000 });
    for (const e of page.events) {
      parts.push(csvLine([e.id, e.at.toISOString(), e.kind, e.ip ?? "", e.userAgent ?? "", JSON.stringify(e.details)]));
    }
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return parts.join("");
}
