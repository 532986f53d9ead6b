"use client";
import { useId, useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { FormActions } from "./form-actions";
import { formatUsd } from "@/lib/format";
import { KEY_NAME_MAX } from "@/lib/keys/limits";
import { CapField, useCapState } from "./cap-field";
import { ModelsField } from "./models-field";
import { microToDollarInput, parseCapInput } from "./key-format";
import { useUpdateKey, type KeyItem, type KeyView } from "./keys-api";

function EditForm({ target, onDone, onSaved }: { target: KeyItem; onDone: () => void; onSaved: (k: KeyView) => void }) {
  const nameId = useId();
  const [name, setName] = useState(target.name);
  const cap = useCapState(
    target.spendCapMicro === null ? "" : microToDollarInput(target.spendCapMicro),
    target.capPeriod,
  );
  const [models, setModels] = useState<string[]>(target.models ?? []);
  const [errors, setErrors] = useState<{ name?: string; cap?: string }>({});
  const update = useUpdateKey();

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const parsed = parseCapInput(cap.value);
    const next = {
      name: name.trim() ? undefined : "The name cannot be empty.",
      cap: parsed.ok ? undefined : parsed.error,
    };
    setErrors(next);
    if (!parsed.ok || next.name) return;
    // A rolled key has no cap of its own any more (see the note below): only its name changes.
    const capChange = target.capKeyId
      ? {}
      : { spendCap: parsed.micro === null ? null : { micro: parsed.micro, period: cap.period } };
    update.mutate(
      { id: target.id, name: name.trim(), ...capChange, models: models.length > 0 ? models : null },
      {
        onSuccess: (res) => {
          onSaved(res.key);
          onDone();
        },
      },
    );
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <div>
        <label htmlFor={nameId} className="label">
          Name
        </label>
        <input
          id={nameId}
          className="input"
          data-testid="edit-name"
          data-autofocus
          autoComplete="off"
          maxLength={KEY_NAME_MAX}
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={errors.name ? true : undefined}
        />
        {errors.name ? <p className="mt-1 text-xs text-red-600 dark:text-red-400">{errors.name}</p> : null}
      </div>
      {target.capKeyId ? (
        <p className="muted text-xs" data-testid="edit-shared-cap">
          This key was rolled: until it expires, its calls count against the spend cap of its new key. Change the cap
          there.
        </p>
      ) : (
        <CapField {...cap} error={errors.cap} testId="edit-cap" />
      )}
      <ModelsField value={models} onChange={setModels} testId="edit-models" />
      {target.monthSpendMicro ? (
        <p className="muted text-xs">Spent this month: {formatUsd(target.monthSpendMicro)}.</p>
      ) : null}
      <FormActions error={update.error} pending={update.isPending} onCancel={onDone} submitTestId="edit-save">
        Save
      </FormActions>
    </form>
  );
}

export function EditKeyDialog({
  target,
  onClose,
  onSaved,
}: {
  target: KeyItem | null;
  onClose: () => void;
  onSaved: (k: KeyView) => void;
}) {
  return (
    <Dialog
      open={target !== null}
      onClose={onClose}
      title="Edit key"
      description="Rename it, or change its spend cap and the models it may call."
      testId="edit-dialog"
    >
      {target ? <EditForm key={target.id} target={target} onDone={onClose} onSaved={onSaved} /> : null}
    </Dialog>
  );
}
