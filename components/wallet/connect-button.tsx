"use client";
import dynamic from "next/dynamic";
import { useEffect, useRef, useState } from "react";

// The wallet adapter and its dependencies are a separate chunk, fetched only when the user
// asks to connect (or hovers the button, to hide the latency).
const loadDialog = () => import("./sign-in-dialog");
const SignInDialog = dynamic(loadDialog, { ssr: false });

export function ConnectButton({
  label = "Connect wallet",
  className = "btn-primary",
}: {
  label?: string;
  className?: string;
}) {
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const wasOpen = useRef(false);
  useEffect(() => {
    // The dialog is unmounted rather than closed, so the browser cannot restore focus itself;
    // this runs once it is gone (while the modal dialog is open, the rest of the page is inert).
    if (wasOpen.current && !open) trigger.current?.focus();
    wasOpen.current = open;
  }, [open]);
  return (
    <>
      <button
        ref={trigger}
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
