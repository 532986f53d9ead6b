"use client";
import { Alert, errorMessage } from "@/components/ui/alert";
import { Dialog } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { useRevokeKey, type KeyItem } from "./keys-api";

export function RevokeDialog({
  target,
  onClose,
  onRevoked,
}: {
  target: KeyItem | null;
  onClose: () => void;
  onRevoked: (k: KeyItem) => void;
}) {
  const revoke = useRevokeKey();
  const close = () => {
    revoke.reset();
    onClose();
  };
  return (
    <Dialog open={target !== null} onClose={close} title={`Revoke “${target?.name ?? ""}”?`} testId="revoke-dialog">
      {target ? (
        <div className="space-y-4">
          <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2.5 text-sm text-red-800 dark:border-red-900 dark:bg-red-950/40 dark:text-red-200">
            Apps using this key stop working immediately. This cannot be undone.
          </div>
          <p className="text-sm">
            Key <span className="code">{target.start}</span>
          </p>
          <p className="muted text-sm">
            If you only want to replace the secret without downtime, close this and use <strong>Roll</strong> instead.
          </p>
          {revoke.error ? <Alert>{errorMessage(revoke.error)}</Alert> : null}
          <div className="flex justify-end gap-2 pt-2">
            <button type="button" className="btn-secondary" onClick={close} data-autofocus>
              Cancel
            </button>
            <button
              type="button"
              className="btn-danger"
              data-testid="revoke-confirm"
              disabled={revoke.isPending}
              onClick={() =>
                revoke.mutate(target.id, {
                  onSuccess: () => {
                    onRevoked(target);
                    close();
                  },
                })
              }
            >
              {revoke.isPending ? <Spinner /> : null}
              Revoke key
            </button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
