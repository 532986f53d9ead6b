"use client";
import dynamic from "next/dynamic";
import { useState } from "react";

// The wallet adapter and its dependencies are a separate chunk, fetched only when the user
// asks to connect (or hovers the button, to hide the latency).
const loadDialog = () => import("./sign-in-dialog");
const SignInDialog = dynamic(loadDialog, { ssr: false });

export function ConnectButton({ label = "Connect wallet", className = "btn-primary" }: { label?: string; className?: string }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button
        type="button"
        className={className}
        onMouseEnter={() => void loadDialog()}
        onFocus={() => void loadDialog()}
        onClick={() => setOpen(true)}
        data-testid="connect-wallet"
      >
        {label}
      </button>
      {open ? <SignInDialog onClose={() => setOpen(false)} /> : null}
    </>
  );
}
