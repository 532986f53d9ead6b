"use client";
import { Alert } from "@/components/ui/alert";
import { Spinner } from "@/components/ui/spinner";
import { formatUsd, shortAddress } from "@/lib/format";
import { displayTokenAmount } from "@/lib/solana/token-amount";
import { TOKEN_LABEL } from "./billing-api";
import { Countdown } from "./countdown";
import type { Phase, TopUpState } from "./use-top-up";

const STEPS: { phase: Phase; label: string; active: string }[] = [
  { phase: "signing", label: "Waiting for your signature", active: "Approve the transfer in your wallet." },
  { phase: "sending", label: "Sending", active: "Sending the signed transaction to the network." },
  {
    phase: "confirming",
    label: "Confirming",
    active: "Waiting for the network to confirm it. This usually takes a few seconds.",
  },
  { phase: "credited", label: "Credited", active: "" },
];
const ORDER: Phase[] = ["idle", "preparing", "signing", "sending", "confirming", "credited"];

type Mark = "done" | "active" | "failed" | "todo";

function markOf(step: Phase, state: TopUpState): Mark {
  const at = state.phase === "failed" ? (state.failedAt ?? "preparing") : state.phase;
  const i = ORDER.indexOf(step);
  const j = ORDER.indexOf(at);
  if (state.phase === "failed" && step === at) return "failed";
  if (state.phase === "credited" || i < j) return "done";
  return i === j ? "active" : "todo";
}

function Dot({ mark }: { mark: Mark }) {
  if (mark === "active") return <Spinner className="h-5 w-5 text-accent-600 dark:text-accent-400" />;
  const base = "flex h-5 w-5 items-center justify-center rounded-full";
  if (mark === "done")
    return (
      <span className={`${base} bg-emerald-500 text-white`}>
        <svg width="11" height="11" viewBox="0 0 12 12" aria-hidden="true">
          <path
            d="M2.5 6.2 5 8.5l4.5-5"
            stroke="currentColor"
            strokeWidth="1.8"
            fill="none"
            strokeLinecap="round"
            strokeLinejoin="round"
          />
        </svg>
      </span>
    );
  if (mark === "failed")
    return (
      <span className={`${base} bg-red-500 text-white`}>
        <svg width="10" height="10" viewBox="0 0 12 12" aria-hidden="true">
          <path d="M3 3l6 6M9 3l-6 6" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
        </svg>
      </span>
    );
  return <span className={`${base} border-2 border-zinc-300 dark:border-zinc-700`} />;
}

export function TopUpProgress({
  state,
  onRetry,
  onDismiss,
}: {
  state: TopUpState;
  onRetry: () => void;
  onDismiss: () => void;
}) {
  const t = state.topup;
  const label = t ? TOKEN_LABEL[t.token] : "";
  return (
    <div
      className="mt-6 rounded-lg border border-zinc-200 bg-zinc-50 p-4 dark:border-zinc-800 dark:bg-zinc-950/60 sm:p-5"
      data-testid="topup-progress"
      data-phase={state.phase}
    >
      <div className="mb-4 flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1 text-sm">
        <p className="font-medium">
          {t ? (
            <>
              {formatUsd(t.creditMicro)} for{" "}
              <span className="tabular-nums">{displayTokenAmount(t.amount, t.decimals)}</span> {label}
            </>
          ) : (
            "Preparing your top-up…"
          )}
        </p>
        {t && t.token === "ROUTER" && state.phase !== "credited" ? (
          <span className="muted text-xs">
            <Countdown at={t.expiresAt} label="Price locked for" testId="quote-countdown" />
          </span>
        ) : null}
      </div>
      <ol className="space-y-3" aria-label="Top-up progress">
        {STEPS.map((s) => {
          const mark = markOf(s.phase, state);
          return (
            <li
              key={s.phase}
              className="flex gap-3"
              data-testid={`topup-step-${s.phase}`}
              data-state={mark}
              aria-current={mark === "active" ? "step" : undefined}
            >
              <Dot mark={mark} />
              <div className="min-w-0 text-sm">
                <p className={mark === "todo" ? "muted" : "font-medium"}>{s.label}</p>
                {mark === "active" && s.active ? (
                  <p className="muted mt-0.5 text-xs">{state.note ?? s.active}</p>
                ) : null}
              </div>
            </li>
          );
        })}
      </ol>
      {state.signature && t ? (
        <p className="muted mt-4 break-all text-xs">
          Transaction <span className="font-mono">{shortAddress(state.signature, 8)}</span>
        </p>
      ) : null}

      {state.phase === "credited" && t ? (
        <div
          role="status"
          className="mt-4 flex flex-wrap items-center justify-between gap-3 rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2.5 text-sm text-emerald-900 dark:border-emerald-500/30 dark:bg-emerald-500/10 dark:text-emerald-200"
          data-testid="topup-credited"
        >
          <span>
            {formatUsd(t.creditMicro)} added.
            {state.balanceMicro !== undefined ? ` Your balance is ${formatUsd(state.balanceMicro)}.` : ""}
          </span>
          <span className="flex gap-2">
            {t.explorerUrl ? (
              <a
                className="btn-ghost px-2 py-1 text-emerald-900 dark:text-emerald-200"
                href={t.explorerUrl}
                target="_blank"
                rel="noopener noreferrer"
              >
                View transaction ↗
              </a>
            ) : null}
            <button type="button" className="btn-secondary px-3 py-1" onClick={onDismiss}>
              Done
            </button>
          </span>
        </div>
      ) : null}

      {state.phase === "failed" && state.failure ? (
        <Alert
          className="mt-4"
          testId="topup-error"
          title={state.failure.title}
          actions={
            <>
              {state.failure.retry ? (
                <button type="button" className="btn-primary px-3 py-1.5" onClick={onRetry} data-testid="topup-retry">
                  Try again
                </button>
              ) : null}
              <button type="button" className="btn-secondary px-3 py-1.5" onClick={onDismiss}>
                {state.failure.retry ? "Cancel" : "Close"}
              </button>
            </>
          }
        >
          {state.failure.message}
        </Alert>
      ) : null}
    </div>
  );
}
