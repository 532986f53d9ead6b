"use client";
import { useId, useState } from "react";
import { formatUsd } from "@/lib/format";
import { parseUsdToMicro } from "@/lib/billing/money";
import { displayTokenAmount, toPlainDecimal, tokenAmountForCredit } from "@/lib/solana/token-amount";
import { TOKEN_LABEL, type ChainInfo, type TokenSymbol } from "./billing-api";
import { PhonePayDialog } from "./phone-pay-dialog";
import { TopUpProgress } from "./top-up-progress";
import { TokenMark } from "./token-badge";
import { useTopUp } from "./use-top-up";

const PRESETS = [5, 20, 100];
const MIN_MICRO = 1_000_000;
const MAX_MICRO = 10_000_000_000;

function parseAmount(choice: string, custom: string): { micro: number | null; error: string | null } {
  if (choice !== "custom") return { micro: Number(choice) * 1_000_000, error: null };
  const text = custom.trim().replace(/^\$/, "").replace(/,/g, "");
  if (!text) return { micro: null, error: null };
  if (!/^\d+(\.\d{1,2})?$/.test(text)) return { micro: null, error: "Enter dollars and cents, like 12.50." };
  const micro = Number(parseUsdToMicro(text));
  if (micro < MIN_MICRO) return { micro: null, error: "The minimum top-up is $1.00." };
  if (micro > MAX_MICRO) return { micro: null, error: "The maximum top-up is $10,000.00." };
  return { micro, error: null };
}

function Segment({ name, value, checked, onChange, children }: { name: string; value: string; checked: boolean; onChange: (v: string) => void; children: React.ReactNode }) {
  return (
    <label className="relative cursor-pointer">
      <input type="radio" name={name} value={value} checked={checked} onChange={() => onChange(value)} className="peer sr-only" />
      <span className="flex h-10 items-center justify-center gap-2 rounded-md border border-zinc-300 bg-white px-3.5 text-sm font-medium text-zinc-700 transition-colors hover:bg-zinc-50 peer-checked:border-accent-600 peer-checked:bg-accent-50 peer-checked:text-accent-700 peer-focus-visible:ring-2 peer-focus-visible:ring-accent-500 peer-focus-visible:ring-offset-2 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-300 dark:hover:bg-zinc-900 dark:peer-checked:border-accent-500 dark:peer-checked:bg-accent-500/10 dark:peer-checked:text-accent-400 dark:peer-focus-visible:ring-offset-zinc-900">
        {children}
      </span>
    </label>
  );
}

export function TopUpCard({ chain, sessionWallet, canPay, payHint }: { chain: ChainInfo; sessionWallet: string; canPay: boolean; payHint: string | null }) {
  const ids = useId();
  const [token, setToken] = useState<TokenSymbol>("USDC");
  const [choice, setChoice] = useState("20");
  const [custom, setCustom] = useState("");
  const [phoneOpen, setPhoneOpen] = useState(false);
  const { state, start, retry, reset } = useTopUp(sessionWallet);
  const { micro, error } = parseAmount(choice, custom);
  const busy = ["preparing", "signing", "sending", "confirming"].includes(state.phase);
  const routerPrice = toPlainDecimal(String(chain.routerPriceUsd));
  const tokens: TokenSymbol[] = chain.routerMint ? ["USDC", "ROUTER"] : ["USDC"];

  let quote: React.ReactNode = null;
  if (micro !== null) {
    quote =
      token === "USDC" ? (
        <>
          You pay <strong className="font-semibold text-zinc-900 dark:text-zinc-100">{displayTokenAmount(tokenAmountForCredit(BigInt(micro), "1", 6), 6)} USDC</strong> (1 USDC = $1 of credit).
        </>
      ) : (
        <>
          You pay about{" "}
          <strong className="font-semibold text-zinc-900 dark:text-zinc-100">{displayTokenAmount(tokenAmountForCredit(BigInt(micro), routerPrice ?? "1", 6), 6)} $ROUTER</strong> at $
          {routerPrice} each. The price is locked for 10 minutes once you continue.
        </>
      );
  }

  return (
    <section className="card p-5 sm:p-6" aria-labelledby={`${ids}-title`}>
      <h2 id={`${ids}-title`} className="text-base font-semibold">
        Add funds
      </h2>
      <p className="muted mt-1 text-sm">Pay from your wallet; the credit lands as soon as the network confirms the transfer.</p>

      <fieldset className="mt-5" disabled={busy}>
        <legend className="label">Pay with</legend>
        <div role="radiogroup" className="grid grid-cols-2 gap-2 sm:inline-grid sm:auto-cols-[9rem] sm:grid-flow-col">
          {tokens.map((t) => (
            <Segment key={t} name={`${ids}-token`} value={t} checked={token === t} onChange={(v) => setToken(v as TokenSymbol)}>
              <TokenMark token={t} />
              {TOKEN_LABEL[t]}
            </Segment>
          ))}
        </div>
      </fieldset>

      <fieldset className="mt-5" disabled={busy}>
        <legend className="label">Amount</legend>
        <div className="grid grid-cols-3 gap-2 sm:flex sm:flex-wrap">
          {PRESETS.map((p) => (
            <Segment key={p} name={`${ids}-amount`} value={String(p)} checked={choice === String(p)} onChange={setChoice}>
              <span className="tabular-nums sm:px-2">${p}</span>
            </Segment>
          ))}
          <div className="col-span-3 flex items-center sm:w-44">
            <label htmlFor={`${ids}-custom`} className="sr-only">
              Other amount in dollars
            </label>
            <div className="relative w-full">
              <span className="muted pointer-events-none absolute inset-y-0 left-3 flex items-center text-sm">$</span>
              <input
                id={`${ids}-custom`}
                data-testid="topup-custom-amount"
                inputMode="decimal"
                autoComplete="off"
                placeholder="Other amount"
                className={`input h-10 pl-7 tabular-nums ${choice === "custom" ? "border-accent-600 dark:border-accent-500" : ""}`}
                value={custom}
                aria-invalid={!!error}
                aria-describedby={`${ids}-quote`}
                onFocus={() => setChoice("custom")}
                onChange={(e) => {
                  setChoice("custom");
                  setCustom(e.target.value);
                }}
              />
            </div>
          </div>
        </div>
      </fieldset>

      <p id={`${ids}-quote`} className={`mt-4 min-h-[1.25rem] text-sm ${error ? "text-red-600 dark:text-red-400" : "muted"}`} data-testid="topup-quote" aria-live="polite">
        {error ?? quote ?? "Enter an amount between $1 and $10,000."}
      </p>

      <div className="mt-5 flex flex-col gap-2 sm:flex-row sm:items-center">
        <button
          type="button"
          className="btn-primary h-10 px-5"
          data-testid="topup-submit"
          disabled={micro === null || busy || !canPay}
          onClick={() => micro !== null && void start({ token, creditMicro: micro })}
        >
          {micro !== null ? `Top up ${formatUsd(micro)}` : "Top up"}
        </button>
        <button type="button" className="btn-secondary h-10" data-testid="pay-with-phone" disabled={micro === null || busy} onClick={() => setPhoneOpen(true)}>
          <svg width="16" height="16" viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.4" aria-hidden="true">
            <rect x="4" y="1.5" width="8" height="13" rx="1.5" />
            <path d="M7 12.2h2" strokeLinecap="round" />
          </svg>
          Pay with phone
        </button>
        {payHint && !busy ? <p className="muted text-xs sm:ml-2">{payHint}</p> : null}
      </div>

      {state.phase !== "idle" ? <TopUpProgress state={state} onRetry={retry} onDismiss={reset} /> : null}
      {phoneOpen && micro !== null ? <PhonePayDialog token={token} creditMicro={micro} onClose={() => setPhoneOpen(false)} /> : null}
    </section>
  );
}
