import type { ReactNode } from "react";

// One box for errors, warnings and confirmations, so every page words and colours them alike.
const TONES = {
  error: "border-red-200 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200",
  warning:
    "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200",
  success:
    "border-emerald-200 bg-emerald-50 text-emerald-900 dark:border-emerald-500/30 dark:bg-emerald-500/10 dark:text-emerald-200",
} as const;

/**
 * A failure in words a person can act on. The browser's own network errors ("Failed to fetch",
 * "NetworkError when attempting to fetch resource", "Load failed") say nothing useful.
 */
export function errorMessage(err: unknown): string {
  if (err instanceof TypeError && /fetch|network|load failed/i.test(err.message))
    return "We could not reach Solrouter. Check your connection and try again.";
  if (err instanceof Error && err.message) return err.message;
  return "Something went wrong. Please try again.";
}

export function Alert({
  tone = "error",
  title,
  children,
  actions,
  className = "",
  testId,
  live = true,
}: {
  tone?: keyof typeof TONES;
  title?: ReactNode;
  children?: ReactNode;
  /** Buttons under the message (Try again, Cancel…). */
  actions?: ReactNode;
  className?: string;
  testId?: string;
  /** Errors interrupt a screen reader (role=alert); set false for a box that is there on load. */
  live?: boolean;
}) {
  return (
    <div
      role={live ? (tone === "error" ? "alert" : "status") : undefined}
      data-testid={testId}
      className={`rounded-md border px-3 py-2.5 text-sm ${TONES[tone]} ${className}`}
    >
      {title ? <p className="font-medium">{title}</p> : null}
      {children ? <div className={title ? "mt-0.5" : ""}>{children}</div> : null}
      {actions ? <div className="mt-3 flex flex-wrap gap-2">{actions}</div> : null}
    </div>
  );
}

/** A query that failed: what could not be loaded, why, and a Try again that refetches it. */
export function QueryErrorAlert({
  query,
  title,
  className,
  testId,
}: {
  query: { error: unknown; refetch: () => unknown };
  title: ReactNode;
  className?: string;
  testId?: string;
}) {
  return (
    <Alert
      className={className}
      testId={testId}
      title={title}
      actions={
        <button type="button" className="btn-secondary px-3 py-1.5" onClick={() => void query.refetch()}>
          Try again
        </button>
      }
    >
      {errorMessage(query.error)}
    </Alert>
  );
}
