"use client";
import { useQuery } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import type { Wire } from "@/lib/wire";
import type { ApiKeySchema, KeyListResponse } from "@/lib/keys/schemas";
import { PRESETS, STATUS_OPTIONS, utcDay, type UiFilters } from "./usage-params";

type KeyOption = Pick<Wire<typeof ApiKeySchema>, "id" | "name" | "start"> &
  Partial<Pick<Wire<typeof ApiKeySchema>, "revokedAt">>;

// Keys and models come from their own routes; a route that fails leaves only "All", never an error.
function useOptions() {
  const keys = useQuery({
    queryKey: ["keys"],
    queryFn: () => apiFetch<Wire<typeof KeyListResponse>>("/api/keys").then((r) => r.keys),
    staleTime: 60_000,
  });
  const models = useQuery({
    queryKey: ["models"],
    queryFn: () => apiFetch<{ models: { id: string }[] }>("/api/models").then((r) => r.models.map((m) => m.id)),
    staleTime: 300_000,
  });
  return { keys: keys.data ?? [], models: models.data ?? [] };
}

/** One labelled filter dropdown; the empty value means "all" and is stored as unset. */
function FilterSelect(props: {
  name: "key" | "model" | "status";
  label: string;
  value: string | undefined;
  onChange: (value: string | undefined) => void;
  options: readonly { value: string; label: string }[];
}) {
  return (
    <>
      <label className="sr-only" htmlFor={`usage-${props.name}`}>
        {props.label}
      </label>
      <select
        id={`usage-${props.name}`}
        className="input py-1.5"
        value={props.value ?? ""}
        onChange={(e) => props.onChange(e.target.value || undefined)}
        data-testid={`filter-${props.name}`}
      >
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </>
  );
}

export function FiltersBar({
  filters,
  onChange,
  extraKeys,
  extraModels,
}: {
  filters: UiFilters;
  onChange: (f: UiFilters) => void;
  extraKeys: KeyOption[];
  extraModels: string[];
}) {
  const opts = useOptions();
  const keyMap = new Map<string, KeyOption>();
  for (const k of [...opts.keys, ...extraKeys]) if (!keyMap.has(k.id)) keyMap.set(k.id, k);
  if (filters.keyId && !keyMap.has(filters.keyId))
    keyMap.set(filters.keyId, { id: filters.keyId, name: "Selected key", start: filters.keyId.slice(0, 8) });
  const models = [...new Set([...opts.models, ...extraModels, ...(filters.model ? [filters.model] : [])])].sort();
  const set = (patch: Partial<UiFilters>) => onChange({ ...filters, ...patch });
  const today = utcDay(new Date());
  const active = Boolean(filters.keyId || filters.model || filters.status || filters.range !== "30d");

  return (
    <div className="card flex flex-col gap-3 p-3 sm:p-4" role="search" aria-label="Filter usage">
      <div className="flex flex-wrap items-center gap-2">
        <div
          className="inline-flex rounded-md border border-zinc-300 p-0.5 dark:border-zinc-700"
          role="group"
          aria-label="Date range"
        >
          {PRESETS.map((p) => (
            <button
              key={p.id}
              type="button"
              aria-pressed={filters.range === p.id}
              onClick={() =>
                set({
                  range: p.id,
                  ...(p.id === "custom" && !filters.from
                    ? { from: utcDay(new Date(Date.now() - 29 * 86_400_000)), to: today }
                    : {}),
                })
              }
              className={`rounded px-2.5 py-1 text-sm ${
                filters.range === p.id
                  ? "bg-accent-600 text-white"
                  : "text-zinc-600 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800"
              }`}
            >
              {p.label}
            </button>
          ))}
        </div>
        {filters.range === "custom" ? (
          <div className="flex flex-wrap items-center gap-2 text-sm">
            <DayField label="From" value={filters.from} max={filters.to ?? today} onChange={(from) => set({ from })} />
            <DayField label="to" value={filters.to} min={filters.from} max={today} onChange={(to) => set({ to })} />
            <span className="muted text-xs">UTC days, inclusive</span>
          </div>
        ) : null}
      </div>
      <div className="grid grid-cols-1 gap-2 sm:grid-cols-[1fr_1fr_1fr_auto]">
        <FilterSelect
          name="key"
          label="Key"
          value={filters.keyId}
          onChange={(keyId) => set({ keyId })}
          options={[
            { value: "", label: "All keys" },
            ...[...keyMap.values()].map((k) => ({
              value: k.id,
              label: `${k.name} (${k.start})${k.revokedAt ? " — revoked" : ""}`,
            })),
          ]}
        />
        <FilterSelect
          name="model"
          label="Model"
          value={filters.model}
          onChange={(model) => set({ model })}
          options={[{ value: "", label: "All models" }, ...models.map((m) => ({ value: m, label: m }))]}
        />
        <FilterSelect
          name="status"
          label="Status"
          value={filters.status}
          onChange={(status) => set({ status })}
          options={STATUS_OPTIONS}
        />
        <button
          type="button"
          className="btn-ghost py-1.5"
          disabled={!active}
          onClick={() => onChange({ range: "30d" })}
        >
          Clear filters
        </button>
      </div>
    </div>
  );
}

/** One end of the custom range: a UTC day, or undefined when cleared. */
function DayField(props: {
  label: string;
  value: string | undefined;
  min?: string;
  max: string;
  onChange: (day: string | undefined) => void;
}) {
  return (
    <label className="flex items-center gap-1.5">
      <span className="muted">{props.label}</span>
      <input
        type="date"
        className="input w-auto py-1"
        value={props.value ?? ""}
        min={props.min}
        max={props.max}
        onChange={(e) => props.onChange(e.target.value || undefined)}
      />
    </label>
  );
}
