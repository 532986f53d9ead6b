"use client";
import { ColumnHeads, zoned } from "@/components/ui/column-heads";
import { useZone } from "@/components/time";
import { QueryErrorAlert } from "@/components/ui/alert";
import { CopyButton } from "@/components/ui/copy-button";
import { formatUsd, shortAddress } from "@/lib/format";
import { displayTokenAmount } from "@/lib/solana/token-amount";
import { TOKEN_LABEL, useTopups, type Topup } from "./billing-api";
import { TokenMark } from "./token-badge";
import { useNow } from "@/components/use-now";

const dateFmt = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });

function StatusBadge({ t, now }: { t: Topup; now: number }) {
  const open = t.status === "pending" && Date.parse(t.expiresAt) > now;
  const [text, cls] =
    t.status === "credited"
      ? [
          "Credited",
          "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-500/30",
        ]
      : t.status === "expired" || !open
        ? [
            "Expired",
            "bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-400 dark:ring-zinc-600/40",
          ]
        : [
            "Pending",
            "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-500/30",
          ];
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${cls}`}
      title={t.failureReason ?? undefined}
    >
      {text}
    </span>
  );
}

function TxCell({ t }: { t: Topup }) {
  if (!t.signature)
    return <span className="muted text-xs">{t.failureReason && t.status !== "credited" ? t.failureReason : "—"}</span>;
  return (
    <span className="flex items-center gap-1.5">
      {t.explorerUrl ? (
        <a
          href={t.explorerUrl}
          target="_blank"
          rel="noopener noreferrer"
          className="font-mono text-xs text-accent-600 hover:underline dark:text-accent-400"
          title={`${t.signature} — open in Solana Explorer`}
          data-testid="history-explorer-link"
        >
          {shortAddress(t.signature, 6)} ↗
        </a>
      ) : (
        <span className="font-mono text-xs">{shortAddress(t.signature, 6)}</span>
      )}
      <CopyButton value={t.signature} label="Copy" className="px-1.5 py-0.5" />
    </span>
  );
}

function Skeleton() {
  return (
    <div className="space-y-3 p-4" aria-busy="true" aria-label="Loading top-ups">
      {[0, 1, 2].map((i) => (
        <div key={i} className="flex animate-pulse gap-4">
          <div className="h-3.5 w-32 rounded bg-zinc-200 dark:bg-zinc-800" />
          <div className="h-3.5 w-16 rounded bg-zinc-100 dark:bg-zinc-800/60" />
          <div className="ml-auto h-3.5 w-20 rounded bg-zinc-100 dark:bg-zinc-800/60" />
        </div>
      ))}
    </div>
  );
}

export function History() {
  const q = useTopups();
  const zone = useZone();
  const now = useNow(10_000);
  const rows = q.data ?? [];
  return (
    <section className="card overflow-hidden" aria-labelledby="history-title">
      <div className="flex items-center justify-between border-b border-zinc-200 px-4 py-3 dark:border-zinc-800 sm:px-5">
        <h2 id="history-title" className="text-base font-semibold">
          Top-up history
        </h2>
        {q.isFetching && !q.isLoading ? <span className="muted text-xs">Updating…</span> : null}
      </div>
      {q.isLoading ? (
        <Skeleton />
      ) : q.isError ? (
        <QueryErrorAlert query={q} className="m-5" title="The history could not be loaded." />
      ) : rows.length === 0 ? (
        <div className="px-5 py-10 text-center" data-testid="history-empty">
          <p className="font-medium">No top-ups yet</p>
          <p className="muted mx-auto mt-1 max-w-sm text-sm">
            Your deposits show up here with their transaction, as soon as you make one.
          </p>
        </div>
      ) : (
        <>
          {/* Phones: one card per top-up. */}
          {zone ? <p className="muted px-4 pt-3 text-xs sm:hidden">Times in {zone}</p> : null}
          <ul className="divide-y divide-zinc-200 dark:divide-zinc-800 sm:hidden">
            {rows.map((t) => (
              <li key={t.id} className="space-y-1.5 px-4 py-3 text-sm" data-testid="history-row-mobile">
                <div className="flex items-center justify-between gap-2">
                  <span className="font-semibold tabular-nums">{formatUsd(t.creditMicro)}</span>
                  <StatusBadge t={t} now={now} />
                </div>
                <div className="muted flex items-center justify-between gap-2 text-xs">
                  <span className="flex items-center gap-1.5 tabular-nums">
                    <TokenMark token={t.token} className="h-3.5 w-3.5" />
                    {displayTokenAmount(t.amount, t.decimals)} {TOKEN_LABEL[t.token]}
                  </span>
                  <span>{dateFmt.format(new Date(t.createdAt))}</span>
                </div>
                <TxCell t={t} />
              </li>
            ))}
          </ul>
          <div className="hidden overflow-x-auto sm:block">
            <table className="w-full text-left text-sm">
              <thead className="muted bg-zinc-50 text-xs uppercase tracking-wide dark:bg-zinc-950/40">
                <ColumnHeads
                  heads={[
                    [zoned("Date", zone), "px-5 py-2.5"],
                    ["Credit", "px-3 py-2.5 text-right"],
                    ["Paid", "px-3 py-2.5 text-right"],
                    ["Status", "px-3 py-2.5"],
                    ["Transaction", "px-5 py-2.5"],
                  ]}
                />
              </thead>
              <tbody className="divide-y divide-zinc-200 dark:divide-zinc-800">
                {rows.map((t) => (
                  <tr key={t.id} data-testid="history-row" data-status={t.status}>
                    <td className="whitespace-nowrap px-5 py-3">{dateFmt.format(new Date(t.createdAt))}</td>
                    <td className="whitespace-nowrap px-3 py-3 text-right font-medium tabular-nums">
                      {formatUsd(t.creditMicro)}
                    </td>
                    <td className="whitespace-nowrap px-3 py-3 text-right tabular-nums">
                      <span className="inline-flex items-center gap-1.5">
                        {displayTokenAmount(t.amount, t.decimals)} {TOKEN_LABEL[t.token]}
                        <TokenMark token={t.token} className="h-3.5 w-3.5" />
                      </span>
                    </td>
                    <td className="px-3 py-3">
                      <StatusBadge t={t} now={now} />
                    </td>
                    <td className="max-w-xs px-5 py-3">
                      <TxCell t={t} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
    </section>
  );
}
