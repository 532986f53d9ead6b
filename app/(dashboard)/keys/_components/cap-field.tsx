"use client";
import { useId, useState } from "react";
import type { CapPeriod } from "@/lib/keys/limits";

const RESETS: Record<CapPeriod, string> = {
  day: "Resets every day at 00:00 UTC.",
  week: "Resets every Monday at 00:00 UTC.",
  month: "Resets on the 1st of each month (UTC).",
};

/** The cap field's state: the dollars as typed and the period. */
export interface CapState {
  value: string;
  onChange: (v: string) => void;
  period: CapPeriod;
  onPeriod: (p: CapPeriod) => void;
}

export function useCapState(initial: string, initialPeriod: CapPeriod): CapState {
  const [value, onChange] = useState(initial);
  const [period, onPeriod] = useState<CapPeriod>(initialPeriod);
  return { value, onChange, period, onPeriod };
}

/** A spend cap typed in dollars, with its period; the caller parses it with parseCapInput. */
export function CapField({
  value,
  onChange,
  period,
  onPeriod,
  error,
  testId,
}: CapState & {
  error?: string;
  testId?: string;
}) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="label">
        Spend cap <span className="font-normal text-zinc-600 dark:text-zinc-400">(optional)</span>
      </label>
      <div className="flex gap-2">
        <div className="relative flex-1">
          <span
            className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-sm text-zinc-500"
            aria-hidden="true"
          >
            $
          </span>
          <input
            id={id}
            data-testid={testId}
            className="input pl-7"
            inputMode="decimal"
            autoComplete="off"
            placeholder="No cap"
            value={value}
            onChange={(e) => onChange(e.target.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={`${id}-hint`}
          />
        </div>
        <select
          aria-label="Cap period"
          data-testid={testId ? `${testId}-period` : undefined}
          className="input w-32"
          value={period}
          onChange={(e) => onPeriod(e.target.value as CapPeriod)}
        >
          <option value="day">per day</option>
          <option value="week">per week</option>
          <option value="month">per month</option>
        </select>
      </div>
      <p id={`${id}-hint`} className={`mt-1 text-xs ${error ? "text-red-600 dark:text-red-400" : "muted"}`}>
        {error ??
          `${RESETS[period]} Calls that would go over it are refused, so a leaked or runaway key cannot drain your balance.`}
      </p>
    </div>
  );
}
