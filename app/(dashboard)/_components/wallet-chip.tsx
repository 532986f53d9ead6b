"use client";
import { useState } from "react";
import { shortAddress } from "@/lib/format";
import { WALLET_STORAGE_KEY } from "@/components/wallet/wallet-errors";

export function WalletChip({ wallet }: { wallet: string }) {
  const [copied, setCopied] = useState(false);
  const [signingOut, setSigningOut] = useState(false);
  return (
    <div className="flex items-center gap-1">
      <button
        type="button"
        data-testid="wallet-chip"
        title={`${wallet} — click to copy`}
        className="btn-secondary px-2.5 py-1.5 font-mono text-xs"
        onClick={async () => {
          await navigator.clipboard.writeText(wallet).catch(() => {});
          setCopied(true);
          setTimeout(() => setCopied(false), 1500);
        }}
      >
        <span className="h-2 w-2 rounded-full bg-emerald-500" aria-hidden="true" />
        {/* The accessible name starts with the visible text (axe label-content-name-mismatch). */}
        {copied ? "Copied" : shortAddress(wallet)}
        <span className="sr-only">{copied ? " wallet address" : ", copy wallet address"}</span>
      </button>
      <button
        type="button"
        className="btn-ghost px-2.5 py-1.5 text-xs"
        disabled={signingOut}
        onClick={async () => {
          setSigningOut(true);
          await fetch("/api/auth/logout", { method: "POST" }).catch(() => {});
          localStorage.removeItem(WALLET_STORAGE_KEY);
          // A full load, not a client navigation: it drops every cached query and the wallet
          // adapter's state along with the signed-out session.
          // eslint-disable-next-line @next/next/no-location-assign-relative-destination
          window.location.assign("/");
        }}
      >
        {signingOut ? "Signing out…" : "Sign out"}
      </button>
    </div>
  );
}
