"use client";
import { useEffect, useId, useRef } from "react";

// The native <dialog> gives us a focus trap, Escape to close and a backdrop for free.
export function Dialog({
  open,
  onClose,
  title,
  description,
  children,
  dismissable = true,
  testId,
  wide = false,
}: {
  open: boolean;
  onClose: () => void;
  title: string;
  description?: React.ReactNode;
  children: React.ReactNode;
  dismissable?: boolean;
  testId?: string;
  /** For dialogs with code or tables in them. */
  wide?: boolean;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // Several dialogs can sit in one page; each needs its own title id.
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      d.showModal();
      // React does not render `autoFocus` as an attribute, so showModal cannot see it.
      d.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    }
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      data-testid={testId}
      aria-labelledby={titleId}
      onKeyDown={(e) => {
        // Chrome closes a dialog on a second Escape even if the first cancel was prevented;
        // stopping the key itself keeps a non-dismissable dialog open.
        if (!dismissable && e.key === "Escape") e.preventDefault();
      }}
      onCancel={(e) => {
        e.preventDefault();
        if (dismissable) onClose();
      }}
      onClick={(e) => {
        if (dismissable && e.target === ref.current) onClose();
      }}
      className={`w-[calc(100%-2rem)] ${wide ? "max-w-2xl" : "max-w-lg"} rounded-xl border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-zinc-950/50 backdrop:backdrop-blur-[2px] dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100`}
    >
      <div className="p-5 sm:p-6">
        <div className="mb-4 flex items-start justify-between gap-4">
          <div>
            <h2 id={titleId} className="text-lg font-semibold">
              {title}
            </h2>
            {description ? <p className="muted mt-1 text-sm">{description}</p> : null}
          </div>
          {dismissable ? (
            <button type="button" onClick={onClose} className="btn-ghost -mr-2 -mt-1 px-2" aria-label="Close">
              <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
                <path d="M4 4l8 8M12 4l-8 8" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" />
              </svg>
            </button>
          ) : null}
        </div>
        {children}
      </div>
    </dialog>
  );
}
