"use client";
import { useEffect, useRef } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Alert, errorMessage } from "@/components/ui/alert";
import { Dialog } from "@/components/ui/dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { Spinner } from "@/components/ui/spinner";
import { formatUsd } from "@/lib/format";
import { displayTokenAmount } from "@/lib/solana/token-amount";
import {
  createTopup,
  ME_QUERY,
  TOKEN_LABEL,
  TOPUPS_QUERY,
  useTopups,
  type TokenSymbol,
  type Topup,
} from "./billing-api";
import { Countdown, useTimeLeft } from "./countdown";

const MIN_LIFE_MS = 3 * 60_000;

function reusableIntent(list: Topup[] | undefined, token: TokenSymbol, creditMicro: number): Topup | undefined {
  return list?.find(
    (t) =>
      t.status === "pending" &&
      t.token === token &&
      t.creditMicro === creditMicro &&
      !!t.solanaPayUrl &&
      Date.parse(t.expiresAt) - Date.now() > MIN_LIFE_MS,
  );
}

/** A Solana Pay QR code for the intent; the reconciler credits the payment and the list poll shows it. */
export function PhonePayDialog({
  token,
  creditMicro,
  onClose,
}: {
  token: TokenSymbol;
  creditMicro: number;
  onClose: () => void;
}) {
  const qc = useQueryClient();
  const create = useMutation({
    mutationFn: async (fresh: boolean) => {
      // Reopening the dialog for the same amount shows the QR code it showed before, rather than
      // recording another intent that would sit in the history as Pending, then Expired.
      const open = fresh ? undefined : reusableIntent(qc.getQueryData<Topup[]>(TOPUPS_QUERY), token, creditMicro);
      const t = open ?? (await createTopup(token, creditMicro));
      // Dark on white in both themes: phone cameras need the contrast.
      const QRCode = (await import("qrcode")).default;
      const svg = t.solanaPayUrl
        ? await QRCode.toString(t.solanaPayUrl, {
            type: "svg",
            margin: 2,
            errorCorrectionLevel: "M",
            color: { dark: "#09090b", light: "#ffffff" },
          })
        : null;
      return { intent: t, svg };
    },
    onSuccess: () => void qc.invalidateQueries({ queryKey: TOPUPS_QUERY }),
  });
  const { mutate } = create;
  const started = useRef(false);
  useEffect(() => {
    // Once per opening, even when React runs effects twice in development.
    if (started.current) return;
    started.current = true;
    mutate(false);
  }, [mutate]);
  const again = () => mutate(true);

  const intent = create.isPending ? null : (create.data?.intent ?? null);
  const svg = create.data?.svg ?? null;
  const error = create.isError ? errorMessage(create.error) : null;
  const topups = useTopups({ fast: !!intent });
  const live = topups.data?.find((t) => t.id === intent?.id) ?? intent;
  const left = useTimeLeft(live?.expiresAt);
  const credited = live?.status === "credited";
  const expired = !credited && (live?.status === "expired" || (!!live && left === 0));

  useEffect(() => {
    if (credited) void qc.invalidateQueries({ queryKey: ME_QUERY });
  }, [credited, qc]);

  const label = TOKEN_LABEL[token];
  return (
    <Dialog
      open
      onClose={onClose}
      title="Pay with your phone"
      description="Scan with a Solana wallet app (Phantom, Solflare, Backpack…). The page updates when the payment arrives."
      testId="qr-dialog"
    >
      {error ? (
        <Alert
          actions={
            <button type="button" className="btn-secondary px-3 py-1.5" onClick={again}>
              Try again
            </button>
          }
        >
          {error}
        </Alert>
      ) : !live ? (
        <div className="flex h-64 items-center justify-center gap-3 text-sm" role="status">
          <Spinner /> Creating a payment request…
        </div>
      ) : (
        <div className="flex flex-col items-center text-center">
          <div
            className={`relative rounded-lg border border-zinc-200 bg-white p-2 dark:border-zinc-700 ${credited || expired ? "opacity-20" : ""}`}
          >
            {svg ? (
              // SVG markup generated locally by the qrcode package from our own URL.
              <div
                className="h-56 w-56 [&>svg]:h-full [&>svg]:w-full"
                data-testid="qr-code"
                role="img"
                aria-label="Solana Pay QR code"
                dangerouslySetInnerHTML={{ __html: svg }}
              />
            ) : (
              <div className="flex h-56 w-56 items-center justify-center">
                <Spinner />
              </div>
            )}
          </div>
          <p className="mt-4 text-lg font-semibold tabular-nums">
            {displayTokenAmount(live.amount, live.decimals)} {label}
          </p>
          <p className="muted text-sm">for {formatUsd(live.creditMicro)} of credit</p>
          <div className="mt-4 w-full" aria-live="polite">
            {credited ? (
              <p
                className="rounded-md border border-emerald-200 bg-emerald-50 px-3 py-2 text-sm font-medium text-emerald-900 dark:border-emerald-500/30 dark:bg-emerald-500/10 dark:text-emerald-200"
                data-testid="qr-credited"
              >
                Payment received: {formatUsd(live.creditMicro)} added to your balance.
              </p>
            ) : expired ? (
              <div className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200">
                This request expired. A payment sent before it expired is still credited.
                <button type="button" className="btn-secondary ml-2 mt-2 px-3 py-1 sm:mt-0" onClick={again}>
                  New QR code
                </button>
              </div>
            ) : (
              <p className="muted flex items-center justify-center gap-2 text-sm">
                <Spinner className="h-3.5 w-3.5" /> Waiting for payment ·{" "}
                <Countdown at={live.expiresAt} label="expires in" />
              </p>
            )}
          </div>
          {live.solanaPayUrl && !credited ? (
            <div className="mt-4 flex w-full items-center gap-2 text-left">
              <code className="code block min-w-0 flex-1 truncate py-1.5 text-xs" title={live.solanaPayUrl}>
                {live.solanaPayUrl}
              </code>
              <CopyButton value={live.solanaPayUrl} label="Copy link" />
            </div>
          ) : null}
          <button type="button" className={`${credited ? "btn-primary" : "btn-ghost"} mt-5 w-full`} onClick={onClose}>
            {credited ? "Done" : "Close"}
          </button>
        </div>
      )}
    </Dialog>
  );
}
