"use client";
import { useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import type { RollGraceSeconds } from "@/lib/keys/limits";
import { FormActions } from "./form-actions";
import { useRollKey, type KeyItem, type NewSecret } from "./keys-api";

const GRACES: { value: RollGraceSeconds; label: string; hint: string }[] = [
  { value: 0, label: "Immediately", hint: "The old secret stops working now. Choose this if it leaked." },
  { value: 3600, label: "After 1 hour", hint: "Time to deploy the new secret before the old one stops." },
  { value: 86400, label: "After 24 hours", hint: "For apps that take longer to redeploy." },
];

function RollForm({
  target,
  onRolled,
  onCancel,
}: {
  target: KeyItem;
  onRolled: (s: NewSecret) => void;
  onCancel: () => void;
}) {
  const [grace, setGrace] = useState<RollGraceSeconds>(0);
  const roll = useRollKey();
  return (
    <form
      className="space-y-4"
      onSubmit={(e) => {
        e.preventDefault();
        roll.mutate({ id: target.id, graceSeconds: grace }, { onSuccess: onRolled });
      }}
    >
      <p className="text-sm">
        Rolling gives <span className="font-medium">{target.name}</span> (
        <span className="font-mono text-xs">{target.start}</span>) a new secret with the same expiry and spend cap. The
        new key takes over this month&apos;s spend, and while the old secret keeps working its calls count against the
        new key&apos;s cap.
      </p>
      <fieldset>
        <legend className="label">The old secret stops working</legend>
        <div className="space-y-2">
          {GRACES.map((g) => (
            <label
              key={g.value}
              className={`flex cursor-pointer gap-3 rounded-md border p-3 text-sm ${
                grace === g.value
                  ? "border-accent-500 bg-accent-50 dark:border-accent-400 dark:bg-accent-500/10"
                  : "border-zinc-200 dark:border-zinc-700"
              }`}
            >
              <input
                type="radio"
                name="grace"
                value={g.value}
                checked={grace === g.value}
                onChange={() => setGrace(g.value)}
                data-testid={`roll-grace-${g.value}`}
                className="mt-0.5 h-4 w-4 text-accent-600 focus:ring-accent-500"
              />
              <span>
                <span className="block font-medium">{g.label}</span>
                <span className="muted block text-xs">{g.hint}</span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <FormActions error={roll.error} pending={roll.isPending} onCancel={onCancel} submitTestId="roll-confirm">
        Roll key
      </FormActions>
    </form>
  );
}

export function RollDialog({
  target,
  onClose,
  onRolled,
}: {
  target: KeyItem | null;
  onClose: () => void;
  onRolled: (s: NewSecret) => void;
}) {
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      title="Roll key"
      description="Replace the secret, e.g. after it leaked or on a schedule."
      testId="roll-dialog"
    >
      {target ? <RollForm key={target.id} target={target} onRolled={onRolled} onCancel={onClose} /> : null}
    </Dialog>
  );
}
