"use client";
import { useEffect, useId, useState } from "react";
import { useToast } from "@/components/ui/toast";
import { formatUsd } from "@/lib/format";
import { TOKEN_LABEL, type ChainInfo, type TokenSymbol } from "./billing-api";
import { AmountPicker } from "./amount-picker";
import { PhonePayDialog } from "./phone-pay-dialog";
import { Segment } from "./segment";
import { TopUpProgress } from "./top-up-progress";
import { TopUpQuote } from "./top-up-quote";
import { TokenMark } from "./token-badge";
import { parseAmount, PRESETS } from "./top-up-amount";
import { useFundsCheck } from "./use-funds-check";
import { useTopUp } from "./use-top-up";

function PhoneIcon() {
  return (
    <svg
      width="16"
      height="16"
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.4"
      aria-hidden="true"
    >
      <rect x="4" y="1.5" width="8" height="13" rx="1.5" />
      <path d="M7 12.2h2" strokeLinecap="round" />
    </svg>
  );
}

function TokenPicker(props: {
  id: string;
  tokens: TokenSymbol[];
  token: TokenSymbol;
  onChange: (t: TokenSymbol) => void;
}) {
  return (
    <div className="grid grid-cols-2 gap-2 sm:inline-grid sm:auto-cols-[9rem] sm:grid-flow-col">
      {props.tokens.map((t) => (
        <Segment
          key={t}
          name={`${props.id}-token`}
          value={t}
          checked={props.token === t}
          onChange={(v) => props.onChange(v as TokenSymbol)}
        >
          <TokenMark token={t} />
          {TOKEN_LABEL[t]}
        </Segment>
      ))}
    </div>
  );
}

/** The amount form: pick a token and an amount, then pay from the wallet or by QR code. */
export function TopUpCard({
  chain,
  sessionWallet,
  canPay,
  accountReady,
  payHint,
}: {
  chain: ChainInfo;
  sessionWallet: string;
  canPay: boolean;
  /** False while the account failed to load: nothing can be credited to it then. */
  accountReady: boolean;
  payHint: string | null;
}) {
  const ids = useId();
  const [token, setToken] = useState<TokenSymbol>("USDC");
  const [preset, setPreset] = useState(String(PRESETS[1]));
  const [custom, setCustom] = useState("");
  const [phoneOpen, setPhoneOpen] = useState(false);
  const { state, start, retry, reset } = useTopUp(sessionWallet, chain);
  // An empty "Other amount" never wins over the chosen preset.
  const choice = custom.trim() ? "custom" : preset;
  const { micro, error } = parseAmount(choice, custom);
  const busy = ["preparing", "signing", "sending", "confirming"].includes(state.phase);
  const shortfall = useFundsCheck(chain, canPay ? sessionWallet : null, token, micro);
  const hint = busy ? null : (shortfall ?? payHint);
  const toast = useToast();
  const credited = state.phase === "credited" ? state.topup : undefined;
  useEffect(() => {
    if (credited) toast(`${formatUsd(credited.creditMicro)} added to your balance.`);
  }, [credited, toast]);

  return (
    <section className="card p-5 sm:p-6" aria-labelledby={`${ids}-title`} data-testid="add-funds">
      <h2 id={`${ids}-title`} className="text-base font-semibold">
        Add funds
      </h2>
      <p className="muted mt-1 text-sm">
        Pay from your wallet; the credit lands as soon as the network confirms the transfer.
      </p>
      <fieldset className="mt-5" disabled={busy}>
        <legend className="label">Pay with</legend>
        <TokenPicker
          id={ids}
          tokens={chain.routerMint ? ["USDC", "ROUTER"] : ["USDC"]}
          token={token}
          onChange={setToken}
        />
      </fieldset>
      <AmountPicker
        id={ids}
        choice={choice}
        custom={custom}
        error={!!error}
        disabled={busy}
        onPreset={(p) => {
          setPreset(p);
          setCustom("");
        }}
        onCustom={setCustom}
      />
      <p
        id={`${ids}-quote`}
        className={`mt-4 min-h-[1.25rem] text-sm ${error ? "text-red-700 dark:text-red-400" : "muted"}`}
        data-testid="topup-quote"
        aria-live="polite"
      >
        {error ??
          (micro !== null ? (
            <TopUpQuote chain={chain} token={token} micro={micro} />
          ) : (
            "Enter an amount between $1 and $10,000."
          ))}
      </p>
      <div className="mt-5 flex flex-col gap-2 sm:flex-row sm:items-center">
        <button
          type="button"
          className="btn-primary h-10 px-5"
          data-testid="topup-submit"
          disabled={micro === null || busy || !canPay || !!shortfall}
          aria-describedby={hint ? `${ids}-hint` : undefined}
          onClick={() => micro !== null && void start({ token, creditMicro: micro })}
        >
          {micro !== null ? `Top up ${formatUsd(micro)}` : "Top up"}
        </button>
        <button
          type="button"
          className="btn-secondary h-10"
          data-testid="pay-with-phone"
          disabled={micro === null || busy || !accountReady}
          onClick={() => setPhoneOpen(true)}
        >
          <PhoneIcon />
          Pay with phone
        </button>
      </div>
      {hint ? (
        <p id={`${ids}-hint`} className="muted mt-2 text-sm" data-testid="topup-hint" aria-live="polite">
          {hint}
        </p>
      ) : null}
      {state.phase !== "idle" ? <TopUpProgress state={state} onRetry={retry} onDismiss={reset} /> : null}
      {phoneOpen && micro !== null ? (
        <PhonePayDialog token={token} creditMicro={micro} onClose={() => setPhoneOpen(false)} />
      ) : null}
    </section>
  );
}
