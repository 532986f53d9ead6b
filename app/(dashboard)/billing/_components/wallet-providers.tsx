"use client";
import { useSyncExternalStore } from "react";
import { ConnectionProvider, WalletProvider } from "@solana/wallet-adapter-react";

const noSubscribe = () => () => {};

/**
 * False on the server and during hydration, true after. The wallet state (remembered wallet,
 * wallets injected by extensions) exists only in the browser; rendering it during hydration
 * would not match the server's HTML and make React re-render the whole document.
 */
export function useIsClient(): boolean {
  return useSyncExternalStore(noSubscribe, () => true, () => false);
}

// The app's own RPC connection (transactions go out through it) and the wallet the user signed
// in with: the sign-in dialog remembers it under the same key, so autoConnect reconnects it
// silently. Connection problems surface in the flows that need the wallet, not as a global error.
export function WalletProviders({ rpcUrl, children }: { rpcUrl: string; children: React.ReactNode }) {
  return (
    <ConnectionProvider endpoint={rpcUrl} config={{ commitment: "confirmed" }}>
      <WalletProvider wallets={[]} autoConnect localStorageKey="solrouter.wallet" onError={() => {}}>
        {children}
      </WalletProvider>
    </ConnectionProvider>
  );
}
