"use client";
import { useId } from "react";

/** A monthly spend cap typed in dollars; the caller parses it with parseCapInput. */
export function CapField({ value, onChange, error, testId }: { value: string; onChange: (v: string) => void; error?: string; testId?: string }) {
  const id = useId();
  return (
    <div>
      <label htmlFor={id} className="label">
        Monthly spend cap <span className="font-normal text-zinc-500">(optional)</span>
      </label>
      <div className="relative">
        <span className="pointer-events-none absolute inset-y-0 left-3 flex items-center text-sm text-zinc-500" aria-hidden="true">
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
      <p id={`${id}-hint`} className={`mt-1 text-xs ${error ? "text-red-600 dark:text-red-400" : "muted"}`}>
        {error ?? "Resets on the 1st of each month (UTC). Calls that would go over it are refused, so a leaked or runaway key cannot drain your balance."}
      </p>
    </div>
  );
}
