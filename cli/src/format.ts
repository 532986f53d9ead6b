// Money and tables for people; --json output never goes through here.

/** Micro-USD as dollars: cents always, finer digits only when present. */
export function usd(micro: number | bigint | string): string {
  const m = BigInt(micro);
  const neg = m < 0n;
  const abs = neg ? -m : m;
  const whole = abs / 1_000_000n;
  let frac = (abs % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  if (frac.length < 2) frac = frac.padEnd(2, "0");
  return `${neg ? "-" : ""}$${whole.toLocaleString("en-US")}.${frac}`;
}

/** Parses "5", "5.5", "0.25" into micro-USD; undefined for anything else. */
export function parseUsd(text: string): bigint | undefined {
  const m = /^(\d{1,9})(?:\.(\d{1,6}))?$/.exec(text.trim().replace(/^\$/, ""));
  if (!m) return undefined;
  return BigInt(m[1]!) * 1_000_000n + BigInt((m[2] ?? "").padEnd(6, "0"));
}

export function table(headers: string[], rows: string[][]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join("  ")
      .trimEnd();
  return [line(headers), ...rows.map(line)].join("\n");
}

/** "2026-12-04 21:59" in UTC, or "-" for unset. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "-";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toISOString().slice(0, 16).replace("T", " ");
}
