import "server-only";
import { getDb } from "@/lib/db";
import type { Logger } from "pino";
import { logger } from "@/lib/log";
import { resolveRange, type UsageFilterInput } from "./filters";
import { fetchPage, type PageRow } from "./queries";

export const CSV_HEADER = [
  "id",
  "time",
  "key_id",
  "key_name",
  "model",
  "input_tokens",
  "output_tokens",
  "cost_usd",
  "cost_micro",
  "latency_ms",
  "status",
] as const;

/**
 * RFC 4180 field. Text that a spreadsheet would run as a formula (= + - @, and tab/CR which
 * some apps strip first) gets a leading apostrophe; our numbers are never negative, so no
 * numeric cell is touched.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: string[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/** Exact dollars from micro-USD with all six decimals: 1234 → "0.001234". */
export function microToUsdDecimal(micro: bigint): string {
  const neg = micro < 0n;
  const abs = neg ? -micro : micro;
  return `${neg ? "-" : ""}${abs / 1_000_000n}.${(abs % 1_000_000n).toString().padStart(6, "0")}`;
}

/** Exact dollars from micro-USD as text (the column arrives as text; no bigint needed). */
function usdFromMicroText(micro: string): string {
  if (micro.startsWith("-")) return microToUsdDecimal(BigInt(micro));
  const s = micro.padStart(7, "0");
  return `${s.slice(0, -6)}.${s.slice(-6)}`;
}

// Ids, times, uuids and numbers can never need quoting or neutralising; only the free text does.
// This runs once per exported row, so it builds the line directly.
function rowLine(r: PageRow): string {
  return `${r.id},${r.at},${r.key_id ?? ""},${csvCell(r.key_name ?? "")},${csvCell(r.model)},${r.input_tokens},${r.output_tokens},${usdFromMicroText(String(r.cost_micro))},${r.cost_micro},${r.latency_ms},${r.status}\r\n`;
}

export function csvFilename(f: UsageFilterInput, now: Date): string {
  const { from, to } = resolveRange(f, now);
  const day = (d: Date) => d.toISOString().slice(0, 10);
  return `solrouter-usage-${day(from)}-${day(to ?? now)}.csv`;
}

export const CSV_BATCH_ROWS = 5_000;

/**
 * The last line of an export that failed after its first byte. Status and headers are gone by
 * then. Cutting the connection tells an HTTP client only that the transfer broke (curl exits 18,
 * a browser marks the download failed and may drop the partial file): no reason, and to a
 * script reading the body as it arrives, rows just stop. Ending the file cleanly with this
 * record says what happened inside the file itself, where people and scripts look: the bottom
 * of the sheet, and an `id` that is not a number. A complete export never contains it.
 */
export const CSV_FAILED_MARK = "#error";
function failureLine(rows: number): string {
  return csvLine([
    CSV_FAILED_MARK,
    "export_failed",
    `The export stopped after ${rows} rows because of an error on our side; this file is incomplete. Download it again.`,
  ]);
}

/**
 * The export as a pull stream: each pull runs one keyset query of `batchRows` rows, so memory
 * holds about one batch whatever the export's size, and a slow reader slows the queries down
 * instead of buffering. `now` is fixed at the start so the default window cannot move between
 * batches; rows written during the export are newer than the first batch and never appear.
 * The first batch is read before this resolves, so a failure there is still an error answer
 * with its status; later failures end the file with the failure line.
 */
export async function usageCsvStream(
  accountId: string,
  f: UsageFilterInput,
  opts: { now?: Date; signal?: AbortSignal; batchRows?: number; log?: Logger } = {},
): Promise<ReadableStream<Uint8Array>> {
  const now = opts.now ?? new Date();
  const batchRows = opts.batchRows ?? CSV_BATCH_ROWS;
  const encoder = new TextEncoder();
  let written = 0;
  let more = false;
  let after: { t: string; i: string } | null = null;
  /** One batch's lines; notes where the next batch starts and whether there is one. */
  const take = (page: Awaited<ReturnType<typeof fetchPage>>) => {
    written += page.rows.length;
    more = page.rows.length === batchRows && page.last !== null;
    after = page.last;
    return page.rows.map(rowLine).join("");
  };
  // Chunks ready to send: the header and the first batch are, before the answer starts.
  let pending: string[] = [csvLine([...CSV_HEADER])];
  pending.push(take(await fetchPage(await getDb(), accountId, f, now, batchRows, null)));
  let stopped = false;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const abort = () => {
          if (stopped) return;
          stopped = true;
          controller.error(opts.signal?.reason ?? new Error("aborted"));
        };
        if (opts.signal?.aborted) abort();
        else opts.signal?.addEventListener("abort", abort, { once: true });
      },
      async pull(controller) {
        if (stopped) return;
        try {
          if (!pending.length && more)
            pending.push(take(await fetchPage(await getDb(), accountId, f, now, batchRows, after)));
        } catch (err) {
          (opts.log ?? logger()).error({ err, rows: written }, "usage export failed");
          more = false;
          pending = [failureLine(written)];
        }
        if (stopped) return;
        const next = pending.shift();
        if (next) controller.enqueue(encoder.encode(next));
        if (!pending.length && !more) {
          stopped = true;
          controller.close();
        }
      },
      cancel() {
        stopped = true;
      },
    },
    { highWaterMark: 1 },
  );
}
