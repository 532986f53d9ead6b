import { Alert, errorMessage } from "@/components/ui/alert";
import type { ReactNode } from "react";
import { Spinner } from "@/components/ui/spinner";

/** The foot of a key dialog's form: the failed request's message, then Cancel and a submit button that spins while pending. */
export function FormActions({
  error,
  pending,
  onCancel,
  submitTestId,
  children,
}: {
  error: Error | null;
  pending: boolean;
  onCancel: () => void;
  submitTestId: string;
  children: ReactNode;
}) {
  return (
    <>
      {error ? <Alert>{errorMessage(error)}</Alert> : null}
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
