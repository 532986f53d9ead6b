"use client";
import { useEffect, useId, useRef } from "react";

/** What opened a dialog: the element, and the [data-focus-return] holder it sat in (e.g. a key's row). */
type Opener = { el: HTMLElement | null; holder: string | null };

function openerNow(): Opener {
  const active = document.activeElement;
  const el = active instanceof HTMLElement && active !== document.body ? active : null;
  // Read now: once the Revoke button is removed from its row, `closest` cannot find the row.
  return { el, holder: el?.closest("[data-focus-return]")?.getAttribute("data-focus-return") ?? null };
}

/**
 * Focus goes back to what opened the dialog; when that is gone (the Revoke button of a key just
 * revoked), to the [data-focus-return] holder it sat in (the key's row, found again by its value
 * even if React replaced it), the fallback, then the page's heading: never to the body.
 */
function restoreFocus({ el: opener, holder: holderId }: Opener, fallback: string | undefined) {
  const holder = holderId ? document.querySelector(`[data-focus-return="${CSS.escape(holderId)}"]`) : null;
  // The body is "focusable" but is no place for a keyboard user to land: it is what a dialog opened
  // from another closing dialog (create key → secret) sees as its opener.
  const usable = (el: Element | null): el is HTMLElement =>
    el instanceof HTMLElement &&
    el !== document.body &&
    el.isConnected &&
    !el.matches(":disabled") &&
    el.getClientRects().length > 0;
  for (const el of [opener, holder, fallback ? document.querySelector(fallback) : null]) {
    if (usable(el)) return el.focus();
  }
  // A heading takes focus only with a tabindex; -1 keeps it out of the Tab order.
  const heading = document.querySelector<HTMLElement>("main h1");
  if (heading) {
    if (!heading.hasAttribute("tabindex")) heading.tabIndex = -1;
    heading.focus();
  }
}

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
  focusFallback,
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
  /** A selector to focus on close when the opener no longer exists. */
  focusFallback?: string;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  // Several dialogs can sit in one page; each needs its own title id.
  const titleId = useId();
  const opener = useRef<Opener>({ el: null, holder: null });
  const fallback = useRef(focusFallback);
  useEffect(() => {
    fallback.current = focusFallback;
  }, [focusFallback]);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) {
      opener.current = openerNow();
      d.showModal();
      // React does not render `autoFocus` as an attribute, so showModal cannot see it.
      d.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    }
    if (!open && d.open) {
      d.close();
      // After React has applied the change that closed the dialog (a revoked row loses its buttons).
      setTimeout(() => restoreFocus(opener.current, fallback.current), 0);
    }
  }, [open]);
  // A dialog unmounted while open (rendered only while needed) restores focus the same way.
  useEffect(() => {
    const d = ref.current;
    return () => {
      if (d?.open) setTimeout(() => restoreFocus(opener.current, fallback.current), 0);
    };
  }, []);
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
