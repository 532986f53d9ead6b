"use client";
import { useNow } from "@/components/use-now";

/** Milliseconds left until `at`, updated every second; 0 once it has passed. */
export function useTimeLeft(at: string | undefined): number {
  const now = useNow(1000, !!at);
  return at ? Math.max(0, Date.parse(at) - now) : 0;
}

export function formatTimeLeft(ms: number): string {
  const s = Math.ceil(ms / 1000);
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}`;
}

export function Countdown({ at, label, testId }: { at: string; label: string; testId?: string }) {
  const left = useTimeLeft(at);
  return (
    <span data-testid={testId} className={`tabular-nums ${left < 60_000 ? "text-amber-600 dark:text-amber-400" : ""}`}>
      {left > 0 ? `${label} ${formatTimeLeft(left)}` : "Expired"}
    </span>
  );
}
