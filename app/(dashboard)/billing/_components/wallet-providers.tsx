"use client";
import { useEffect, useSyncExternalStore } from "react";
import { ConnectionProvider, WalletProvider } from "@solana/wallet-adapter-react";
import { ensureLocalTestWallet } from "@/components/wallet/local-wallet/gate";
import { WALLET_STORAGE_KEY } from "@/components/wallet/wallet-errors";

const noSubscribe = () => () => {};

/**
 * False on the server and during hydration, true after. The wallet state (remembered wallet,
 * wallets injected by extensions) exists only in the browser; rendering it during hydration
 * would not match the server's HTML and make React re-render the whole document.
 */
export function useIsClient(): boolean {
  return useSyncExternalStore(
    noSubscribe,
    () => true,
    () => false,
  );
}

// The app's own RPC connection (transactions go out through it) and the wallet the user signed
// in with: the sign-in dialog remembers it under the same key, so autoConnect reconnects it
// silently. Connection problems surface in the flows that need the wallet, not as a global error.
export function WalletProviders({ rpcUrl, children }: { rpcUrl: string; children: React.ReactNode }) {
  // On localnet the page's own test wallet must be there for autoConnect to find it after a reload.
  useEffect(() => void ensureLocalTestWallet(), []);
  return (
    <ConnectionProvider endpoint={rpcUrl} config={{ commitment: "confirmed" }}>
      <WalletProvider wallets={[]} autoConnect localStorageKey={WALLET_STORAGE_KEY} onError={() => {}}>
        {children}
      </WalletProvider>
    </ConnectionProvider>
  );
}
