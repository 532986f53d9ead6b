"use client";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";

interface CatalogueModel {
  id: string;
  label: string;
}

/** The catalogue's models as checkboxes: none ticked means every model (the key has no allowlist). */
export function ModelsField({
  value,
  onChange,
  testId,
}: {
  value: string[];
  onChange: (v: string[]) => void;
  testId?: string;
}) {
  const models = useQuery({
    queryKey: ["models"],
    queryFn: () => apiFetch<{ models: CatalogueModel[] }>("/api/models").then((r) => r.models),
    staleTime: 300_000,
  });
  const toggle = (id: string, on: boolean) => onChange(on ? [...value, id] : value.filter((m) => m !== id));
  return (
    <fieldset data-testid={testId}>
      <legend className="label">
        Models <span className="font-normal text-zinc-600 dark:text-zinc-400">(optional)</span>
      </legend>
      {models.data ? (
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {models.data.map((m) => (
            <label key={m.id} className="inline-flex items-center gap-2 text-sm">
              <input
                type="checkbox"
                className="h-4 w-4 rounded border-zinc-300 dark:border-zinc-600"
                checked={value.includes(m.id)}
                onChange={(e) => toggle(m.id, e.target.checked)}
              />
              <span>
                {m.label} <span className="muted font-mono text-xs">{m.id}</span>
              </span>
            </label>
          ))}
        </div>
      ) : (
        <p className="muted text-sm">{models.isError ? "Could not load the models." : "Loading models…"}</p>
      )}
      <p className="muted mt-1 text-xs">None ticked: the key may call every model. Otherwise only the ticked ones.</p>
    </fieldset>
  );
}
