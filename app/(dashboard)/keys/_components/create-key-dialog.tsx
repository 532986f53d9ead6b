"use client";
import { useId, useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { KEY_NAME_MAX } from "@/lib/keys/limits";
import { CapField, useCapState } from "./cap-field";
import { ModelsField } from "./models-field";
import { FormActions } from "./form-actions";
import { parseCapInput } from "./key-format";
import { useCreateKey, type NewSecret } from "./keys-api";

const EXPIRY_PRESETS = [
  { value: "never", label: "Never" },
  { value: "7", label: "In 7 days" },
  { value: "30", label: "In 30 days" },
  { value: "90", label: "In 90 days" },
  { value: "365", label: "In 1 year" },
  { value: "custom", label: "On a date…" },
] as const;

function localDateString(d: Date) {
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** The expiry chosen in the form as an ISO instant; a custom date means "through the end of that day". */
function expiryFrom(preset: string, date: string): { ok: true; iso: string | null } | { ok: false; error: string } {
  if (preset === "never") return { ok: true, iso: null };
  if (preset !== "custom") return { ok: true, iso: new Date(Date.now() + Number(preset) * 86400_000).toISOString() };
  if (!date) return { ok: false, error: "Pick the date the key should stop working." };
  const end = new Date(`${date}T23:59:59.999`);
  if (Number.isNaN(end.getTime()) || end.getTime() <= Date.now())
    return { ok: false, error: "Pick a date from today onwards." };
  return { ok: true, iso: end.toISOString() };
}

function CreateKeyForm({ onCreated, onCancel }: { onCreated: (s: NewSecret) => void; onCancel: () => void }) {
  const ids = { name: useId(), expiry: useId(), date: useId(), manage: useId() };
  const [name, setName] = useState("");
  const [preset, setPreset] = useState<string>("never");
  const [date, setDate] = useState("");
  const cap = useCapState("", "month");
  const [models, setModels] = useState<string[]>([]);
  const [manage, setManage] = useState(false);
  const [errors, setErrors] = useState<{ name?: string; expiry?: string; cap?: string }>({});
  const create = useCreateKey();

  function submit(e: React.FormEvent) {
    e.preventDefault();
    const next: typeof errors = {};
    if (!name.trim()) next.name = "Give the key a name, e.g. the app or server that will use it.";
    const expiry = expiryFrom(preset, date);
    if (!expiry.ok) next.expiry = expiry.error;
    const capParsed = parseCapInput(cap.value);
    if (!capParsed.ok) next.cap = capParsed.error;
    setErrors(next);
    if (!expiry.ok || !capParsed.ok || next.name) return;
    create.mutate(
      {
        name: name.trim(),
        expiresAt: expiry.iso,
        spendCap: capParsed.micro === null ? null : { micro: capParsed.micro, period: cap.period },
        ...(models.length > 0 ? { models } : {}),
        ...(manage ? { canManageKeys: true } : {}),
      },
      { onSuccess: onCreated },
    );
  }

  return (
    <form onSubmit={submit} noValidate className="space-y-4">
      <div>
        <label htmlFor={ids.name} className="label">
          Name
        </label>
        <input
          id={ids.name}
          data-testid="key-name"
          className="input"
          data-autofocus
          autoComplete="off"
          maxLength={KEY_NAME_MAX}
          placeholder="e.g. production-server"
          value={name}
          onChange={(e) => setName(e.target.value)}
          aria-invalid={errors.name ? true : undefined}
          aria-describedby={`${ids.name}-hint`}
        />
        <p
          id={`${ids.name}-hint`}
          className={`mt-1 text-xs ${errors.name ? "text-red-600 dark:text-red-400" : "muted"}`}
        >
          {errors.name ?? "Only you see it. One key per app makes it easy to revoke just one."}
        </p>
      </div>

      <div>
        <label htmlFor={ids.expiry} className="label">
          Expires
        </label>
        <div className="flex flex-col gap-2 sm:flex-row">
          <select
            id={ids.expiry}
            data-testid="key-expiry"
            className="input sm:w-48"
            value={preset}
            onChange={(e) => setPreset(e.target.value)}
          >
            {EXPIRY_PRESETS.map((p) => (
              <option key={p.value} value={p.value}>
                {p.label}
              </option>
            ))}
          </select>
          {preset === "custom" ? (
            <input
              id={ids.date}
              type="date"
              aria-label="Expiry date"
              data-testid="key-expiry-date"
              className="input sm:w-48"
              min={localDateString(new Date())}
              value={date}
              onChange={(e) => setDate(e.target.value)}
              aria-invalid={errors.expiry ? true : undefined}
            />
          ) : null}
        </div>
        <p className={`mt-1 text-xs ${errors.expiry ? "text-red-600 dark:text-red-400" : "muted"}`}>
          {errors.expiry ??
            (preset === "custom"
              ? "The key works through the end of that day (your local time)."
              : "You can revoke a key at any time.")}
        </p>
      </div>

      <CapField {...cap} error={errors.cap} testId="key-cap" />

      <details
        className="group rounded-md border border-zinc-200 px-3 py-2 dark:border-zinc-800"
        data-testid="key-advanced"
      >
        <summary className="cursor-pointer select-none text-sm font-medium">Advanced</summary>
        <div className="mt-3 space-y-4">
          <ModelsField value={models} onChange={setModels} testId="key-models-field" />
          <div>
            <label htmlFor={ids.manage} className="inline-flex items-center gap-2 text-sm font-medium">
              <input
                id={ids.manage}
                type="checkbox"
                data-testid="key-manage"
                className="h-4 w-4 rounded border-zinc-300 dark:border-zinc-600"
                checked={manage}
                onChange={(e) => setManage(e.target.checked)}
                aria-describedby={`${ids.manage}-hint`}
              />
              Can manage keys
            </label>
            <p id={`${ids.manage}-hint`} className="mt-1 text-xs text-amber-800 dark:text-amber-300">
              It can create keys, top up and read usage for this account, like you; it cannot call models.
            </p>
          </div>
        </div>
      </details>

      <FormActions error={create.error} pending={create.isPending} onCancel={onCancel} submitTestId="create-key-submit">
        Create key
      </FormActions>
    </form>
  );
}

export function CreateKeyDialog({
  open,
  onClose,
  onCreated,
}: {
  open: boolean;
  onClose: () => void;
  onCreated: (s: NewSecret) => void;
}) {
  return (
    <Dialog
      open={open}
      onClose={onClose}
      title="Create an API key"
      description="Your code sends it as a Bearer token to POST /agent; calls are billed from your prepaid balance."
      testId="create-key-dialog"
    >
      {open ? <CreateKeyForm onCreated={onCreated} onCancel={onClose} /> : null}
    </Dialog>
  );
}
