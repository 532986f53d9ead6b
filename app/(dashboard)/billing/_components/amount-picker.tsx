"use client";
import { PRESETS, type AmountChoice } from "./top-up-amount";
import { Segment } from "./segment";

/**
 * Presets as a radio group plus an "Other amount" field. Focusing the empty field keeps the chosen
 * preset (only typing switches to a custom amount), so Tab passes through to the buttons; emptying
 * the field brings the preset back.
 */
export function AmountPicker({
  id,
  choice,
  custom,
  error,
  disabled,
  onPreset,
  onCustom,
}: {
  id: string;
  choice: AmountChoice;
  custom: string;
  error: boolean;
  disabled: boolean;
  onPreset: (preset: string) => void;
  /** Typing, or focusing the field while it holds an amount: the typed amount becomes the choice. */
  onCustom: (text: string) => void;
}) {
  return (
    <fieldset className="mt-5" disabled={disabled}>
      <legend className="label">Amount</legend>
      <div className="grid grid-cols-3 gap-2 sm:flex sm:flex-wrap">
        {PRESETS.map((p) => (
          <Segment key={p} name={`${id}-amount`} value={String(p)} checked={choice === String(p)} onChange={onPreset}>
            <span className="tabular-nums sm:px-2">${p}</span>
          </Segment>
        ))}
        <div className="col-span-3 flex items-center sm:w-44">
          <label htmlFor={`${id}-custom`} className="sr-only">
            Other amount in dollars
          </label>
          <div className="relative w-full">
            <span className="muted pointer-events-none absolute inset-y-0 left-3 flex items-center text-sm">$</span>
            <input
              id={`${id}-custom`}
              data-testid="topup-custom-amount"
              inputMode="decimal"
              autoComplete="off"
              placeholder="Other amount"
              className={`input h-10 pl-7 tabular-nums ${choice === "custom" ? "border-accent-600 dark:border-accent-500" : ""}`}
              value={custom}
              aria-invalid={error}
              aria-describedby={`${id}-quote`}
              // Back to the typed amount when the field is focused again after picking a preset.
              onFocus={() => custom.trim() && onCustom(custom)}
              onChange={(e) => onCustom(e.target.value)}
            />
          </div>
        </div>
      </div>
    </fieldset>
  );
}
