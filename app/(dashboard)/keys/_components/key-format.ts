import { parseUsdToMicro } from "@/lib/billing/money";
import { MAX_SPEND_CAP_MICRO } from "@/lib/keys/limits";
import type { KeyItem, KeyStatus } from "./keys-api";

// Display and input helpers for the keys page (browser side).

/**
 * The server's status, moved on by the clock: a rolled key's grace period or an expiry can end
 * while the page is open. The server's word is final for revoked and expired keys.
 */
export function statusAt(k: KeyItem, now: number): KeyStatus {
  if (k.status !== "active") return k.status;
  if (k.expiresAt && Date.parse(k.expiresAt) <= now) return "expired";
  return "active";
}

const rtf = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 86400_000],
  ["month", 30 * 86400_000],
  ["day", 86400_000],
  ["hour", 3600_000],
  ["minute", 60_000],
];

export function relative(iso: string, now: number): string {
  const diff = Date.parse(iso) - now;
  for (const [unit, ms] of UNITS) {
    if (Math.abs(diff) >= ms) return rtf.format(Math.trunc(diff / ms), unit);
  }
  return diff >= 0 ? "in under a minute" : "just now";
}

/** For moments that are in the past by definition; a client clock behind the server's must not show "in 5 seconds". */
export function ago(iso: string, now: number): string {
  return relative(new Date(Math.min(Date.parse(iso), now)).toISOString(), now);
}

const dateFmt = new Intl.DateTimeFormat("en", { year: "numeric", month: "short", day: "numeric" });
const dateTimeFmt = new Intl.DateTimeFormat("en", { dateStyle: "medium", timeStyle: "short" });

export const shortDate = (iso: string) => dateFmt.format(new Date(iso));
export const fullDateTime = (iso: string) => dateTimeFmt.format(new Date(iso));

/** Exact dollars for an input field: 12500000 → "12.50", 3000000 → "3". */
export function microToDollarInput(micro: number): string {
  const m = BigInt(micro);
  const whole = m / 1_000_000n;
  const frac = (m % 1_000_000n).toString().padStart(6, "0").replace(/0+$/, "");
  return frac ? `${whole}.${frac.padEnd(2, "0")}` : whole.toString();
}

/** A monthly cap typed in dollars → integer micro-USD (null = no cap), or an error in plain words. */
export function parseCapInput(raw: string): { ok: true; micro: number | null } | { ok: false; error: string } {
  const s = raw.trim().replace(/^\$/, "").replace(/,/g, "");
  if (!s) return { ok: true, micro: null };
  const micro = parseUsdToMicro(s);
  if (micro === null) return { ok: false, error: "Enter an amount in dollars, like 25 or 12.50." };
  if (micro <= 0n) return { ok: false, error: "The cap must be more than $0. Leave it empty for no cap." };
  if (micro > MAX_SPEND_CAP_MICRO) return { ok: false, error: "The cap can be at most $1,000,000,000." };
  return { ok: true, micro: Number(micro) };
}
