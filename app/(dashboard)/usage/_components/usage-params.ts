// The page's filters live in the URL (shareable, back button works) and turn into the API's
// query string here, so the log, the charts and the CSV link always ask for the same rows.

import type { Wire } from "@/lib/wire";
import type {
  DailyUsageResponse,
  SummaryCardsResponse,
  UsageItemSchema,
  UsagePageResponse,
  UsageTotalsSchema,
} from "@/lib/usage/schemas";

export type Preset = "24h" | "7d" | "30d" | "custom";
export const PRESETS: { id: Preset; label: string }[] = [
  { id: "24h", label: "24 hours" },
  { id: "7d", label: "7 days" },
  { id: "30d", label: "30 days" },
  { id: "custom", label: "Custom" },
];

export interface UiFilters {
  range: Preset;
  /** Custom range, UTC calendar days (YYYY-MM-DD), both inclusive. */
  from?: string;
  to?: string;
  keyId?: string;
  model?: string;
  status?: string;
}

export const STATUS_OPTIONS = [
  { value: "", label: "Any status" },
  { value: "success", label: "Successful (2xx)" },
  { value: "error", label: "Failed (not 2xx)" },
  // 400/401/402 are refused before a call is metered, so the log never holds them: no options.
  { value: "429", label: "429 Rate limited" },
  { value: "502", label: "502 Upstream error" },
  { value: "503", label: "503 Unavailable" },
];

const DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function utcDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

export function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export function readUiFilters(sp: URLSearchParams): UiFilters {
  const range = (["24h", "7d", "30d", "custom"] as const).find((p) => p === sp.get("range")) ?? "30d";
  const pick = (k: string) => sp.get(k) || undefined;
  const date = (k: string) => (DATE.test(sp.get(k) ?? "") ? sp.get(k)! : undefined);
  return {
    range,
    from: date("from"),
    to: date("to"),
    keyId: pick("keyId"),
    model: pick("model"),
    status: pick("status"),
  };
}

/** The page's own URL for these filters (only what differs from the defaults). */
export function pageSearch(f: UiFilters): string {
  const p = new URLSearchParams();
  if (f.range !== "30d") p.set("range", f.range);
  if (f.range === "custom") {
    if (f.from) p.set("from", f.from);
    if (f.to) p.set("to", f.to);
  }
  for (const k of ["keyId", "model", "status"] as const) if (f[k]) p.set(k, f[k]!);
  const s = p.toString();
  return s ? `?${s}` : "";
}

/**
 * The API's filters. 7 and 30 days are UTC calendar days including today, the same windows as
 * the cards and the chart's bars; 24 hours is rolling (rounded to the minute so that the query
 * stays the same while the page is open).
 */
export function apiParams(f: UiFilters, now: Date): URLSearchParams {
  const p = new URLSearchParams();
  const today = startOfUtcDay(now).getTime();
  if (f.range === "24h") p.set("from", new Date(Math.floor(now.getTime() / 60_000) * 60_000 - DAY).toISOString());
  if (f.range === "7d") p.set("from", new Date(today - 6 * DAY).toISOString());
  if (f.range === "30d") p.set("from", new Date(today - 29 * DAY).toISOString());
  if (f.range === "custom") {
    p.set("from", `${f.from ?? utcDay(new Date(today - 29 * DAY))}T00:00:00.000Z`);
    if (f.to) p.set("to", new Date(Date.parse(`${f.to}T00:00:00Z`) + DAY).toISOString());
  }
  for (const k of ["keyId", "model", "status"] as const) if (f[k]) p.set(k, f[k]!);
  return p;
}

export function hasNarrowingFilters(f: UiFilters): boolean {
  return Boolean(f.keyId || f.model || f.status || f.range !== "30d");
}

/** Every UTC day from `from` up to (not including) `to`. */
export function daysBetween(fromIso: string, toIso: string): string[] {
  const out: string[] = [];
  const end = Date.parse(toIso);
  for (let t = startOfUtcDay(new Date(fromIso)).getTime(); t < end && out.length < 400; t += DAY)
    out.push(utcDay(new Date(t)));
  return out;
}

// Distinct hues that read on white and on zinc-900; the first is the accent.
const PALETTE = ["#6366f1", "#14b8a6", "#f59e0b", "#ec4899", "#0ea5e9", "#84cc16", "#a855f7", "#f97316"];
export function modelColor(models: string[], model: string): string {
  const i = [...models].sort().indexOf(model);
  return i < 0 ? "#71717a" : PALETTE[i % PALETTE.length]!;
}

// The routes' answers as the browser receives them, typed from the routes' own schemas.
export type UsageItemJson = Wire<typeof UsageItemSchema>;
export type TotalsJson = Wire<typeof UsageTotalsSchema>;
export type UsagePageJson = Wire<typeof UsagePageResponse>;
export type DailyJson = Wire<typeof DailyUsageResponse>;
export type SummaryJson = Wire<typeof SummaryCardsResponse>;
