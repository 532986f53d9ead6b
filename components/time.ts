import { useSyncExternalStore } from "react";

// One time-zone rule for the dashboard: times are shown in the browser's zone, and every table or
// card that shows them names that zone. Exports (CSV) stay in UTC and say so.

/** The browser's IANA zone, e.g. "Europe/Berlin"; "UTC" where the browser does not say. */
export function localZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || "UTC";
}

/** "Times in Europe/Berlin", for a table caption or a card's foot. */
export function zoneNote(): string {
  return `Times in ${localZone()}`;
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const timeOnly = new Intl.DateTimeFormat(undefined, { hour: "2-digit", minute: "2-digit" });

export function formatLocalDateTime(iso: string | Date): string {
  return dateTime.format(new Date(iso));
}

/** Today's time of day for today's entries, the date and time otherwise. */
export function formatRecent(iso: string, now = new Date()): string {
  const d = new Date(iso);
  return d.toDateString() === now.toDateString() ? timeOnly.format(d) : dateTime.format(d);
}

/** Local midnight today and on the first of this month, as instants for API filters. */
export function localPeriodStarts(now = new Date()): { today: Date; month: Date } {
  return {
    today: new Date(now.getFullYear(), now.getMonth(), now.getDate()),
    month: new Date(now.getFullYear(), now.getMonth(), 1),
  };
}

const noSubscribe = () => () => {};

/**
 * The zone for labels in client components that also render on the server: empty on the server
 * and during hydration, the browser's zone right after, so the two renders never disagree.
 */
export function useZone(): string {
  return useSyncExternalStore(noSubscribe, localZone, () => "");
}
