"use client";
import { useEffect, useState } from "react";

/** Milliseconds left until `at`, updated every second; 0 once it has passed. */
export function useTimeLeft(at: string | undefined): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!at) return;
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, [at]);
  return at ? Math.max(0, Date.parse(at) - now) : 0;
}

/** The current time, refreshed every `intervalMs` (render stays pure). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs]);
  return now;
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
