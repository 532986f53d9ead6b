"use client";
import { useState } from "react";

export function CopyButton({
  value,
  label = "Copy",
  className = "",
  testId,
  onCopied,
}: {
  value: string;
  label?: string;
  className?: string;
  testId?: string;
  /** Called once the value is on the clipboard. */
  onCopied?: () => void;
}) {
  const [state, setState] = useState<"idle" | "copied" | "failed">("idle");
  return (
    <button
      type="button"
      data-testid={testId}
      className={`btn-secondary px-2.5 py-1.5 text-xs ${className}`}
      onClick={async () => {
        try {
          await navigator.clipboard.writeText(value);
          setState("copied");
          onCopied?.();
        } catch {
          setState("failed");
        }
        setTimeout(() => setState("idle"), 1500);
      }}
      aria-live="polite"
    >
      {state === "copied" ? "Copied" : state === "failed" ? "Copy failed" : label}
    </button>
  );
}
