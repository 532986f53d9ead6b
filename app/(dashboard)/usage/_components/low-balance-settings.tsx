"use client";
import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { apiFetch } from "@/components/api";
import { formatUsd } from "@/lib/format";
import { parseUsdToMicro } from "@/lib/billing/money";
import type { Wire } from "@/lib/wire";
import type { LowBalanceSettingsBody, LowBalanceSettingsResponse } from "@/lib/usage/schemas";

type Settings = Wire<typeof LowBalanceSettingsResponse>;
type SettingsBody = Wire<typeof LowBalanceSettingsBody>;

const toDollars = (micro: number) => formatUsd(micro, { precise: true }).replace(/^\$/, "").replace(/,/g, "");

export function LowBalanceSettings() {
  const qc = useQueryClient();
  const settings = useQuery({
    queryKey: ["account-settings"],
    queryFn: () => apiFetch<Settings>("/api/account/settings"),
  });
  // null until the user types: the field shows the saved value.
  const [draft, setDraft] = useState<string | null>(null);
  const [saved, setSaved] = useState(false);
  const value = draft ?? (settings.data ? toDollars(settings.data.lowBalanceThresholdMicro) : "");
  const micro = parseUsdToMicro(value);
  const invalid = micro === null || micro < 0n;
  const save = useMutation({
    mutationFn: (m: bigint) =>
      apiFetch<Settings>("/api/account/settings", {
        method: "PATCH",
        json: { lowBalanceThresholdMicro: Number(m) } satisfies SettingsBody,
      }),
    onSuccess: (data) => {
      qc.setQueryData(["account-settings"], data);
      setDraft(null);
      void qc.invalidateQueries({ queryKey: ["me"] });
      setSaved(true);
      setTimeout(() => setSaved(false), 2000);
    },
  });

  return (
    <section className="card p-4 sm:p-5" aria-labelledby="low-balance-title">
      <h2 id="low-balance-title" className="font-medium">
        Low-balance alert
      </h2>
      <p className="muted mt-1 text-sm">
        A banner appears across the dashboard while your balance is below this amount. Set $0 to turn it off.
      </p>
      <form
        className="mt-3 flex flex-wrap items-end gap-2"
        onSubmit={(e) => {
          e.preventDefault();
          if (!invalid) save.mutate(micro);
        }}
      >
        <div>
          <label htmlFor="low-balance" className="label">
            Alert below (USD)
          </label>
          <div className="relative">
            <span className="muted pointer-events-none absolute left-3 top-1/2 -translate-y-1/2 text-sm">$</span>
            <input
              id="low-balance"
              className="input w-36 pl-6 tabular-nums"
              inputMode="decimal"
              value={value}
              disabled={settings.isPending}
              aria-invalid={value !== "" && invalid}
              aria-describedby="low-balance-help"
              onChange={(e) => setDraft(e.target.value)}
            />
          </div>
        </div>
        <button type="submit" className="btn-primary" disabled={invalid || save.isPending || settings.isPending}>
          {save.isPending ? "Saving…" : "Save"}
        </button>
        <p id="low-balance-help" className="w-full text-sm" aria-live="polite">
          {value !== "" && invalid ? (
            <span className="text-red-700 dark:text-red-400">Enter an amount like 5 or 2.50 (up to six decimals).</span>
          ) : save.isError ? (
            <span className="text-red-700 dark:text-red-400">{save.error.message}</span>
          ) : saved ? (
            <span className="text-emerald-700 dark:text-emerald-400">Saved.</span>
          ) : settings.isError ? (
            <span className="text-red-700 dark:text-red-400">
              Could not load your setting: {settings.error.message}
            </span>
          ) : null}
        </p>
      </form>
    </section>
  );
}
