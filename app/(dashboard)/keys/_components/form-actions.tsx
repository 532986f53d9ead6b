import type { ReactNode } from "react";
import { Spinner } from "@/components/ui/spinner";

/** The foot of a key dialog's form: the failed request's message, then Cancel and a submit button that spins while pending. */
export function FormActions({
  error,
  boxed = false,
  pending,
  onCancel,
  submitTestId,
  children,
}: {
  error: Error | null;
  boxed?: boolean;
  pending: boolean;
  onCancel: () => void;
  submitTestId: string;
  children: ReactNode;
}) {
  return (
    <>
      {error ? (
        <p
          role="alert"
          className={boxed ? "rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-950/50 dark:text-red-300" : "text-sm text-red-600 dark:text-red-400"}
        >
          {error.message}
        </p>
      ) : null}
      <div className="flex justify-end gap-2 pt-2">
        <button type="button" className="btn-secondary" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn-primary" disabled={pending} data-testid={submitTestId}>
          {pending ? <Spinner /> : null}
          {children}
        </button>
      </div>
    </>
  );
}
