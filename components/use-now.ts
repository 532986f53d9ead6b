"use client";
import { useEffect, useState } from "react";

/**
 * The current time, refreshed every `intervalMs` while `enabled` (render stays pure). For relative
 * times, countdowns and grace periods that end while the page is open.
 */
export function useNow(intervalMs = 1000, enabled = true): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!enabled) return;
    const t = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(t);
  }, [intervalMs, enabled]);
  return now;
}
