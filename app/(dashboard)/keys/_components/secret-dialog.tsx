"use client";
import { useEffect, useId, useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { CopyButton } from "@/components/ui/copy-button";
import { fullDateTime } from "./key-format";
import type { NewSecret } from "./keys-api";

function curlSnippet(origin: string, secret: string) {
  return `export SOLROUTER_API_KEY=${secret}

curl ${origin}/agent \\
  -H "Authorization: Bearer $SOLROUTER_API_KEY" \\
  -H "Content-Type: application/json" \\
  -d '{"model":"gpt-oss:20b","prompt":"Hello"}'`;
}

function sdkSnippet(origin: string) {
  return `// npm install @solrouter/sdk
// Reads the key from the SOLROUTER_API_KEY environment variable.
import { SolRouter } from "@solrouter/sdk";

const client = new SolRouter({ baseUrl: "${origin}" });
const res = await client.agent({ model: "gpt-oss:20b", prompt: "Hello" });
console.log(res.output, res.costMicro);`;
}

/**
 * Shows a new secret exactly once. It cannot be dismissed (Escape, backdrop, close button)
 * until the user confirms they have copied it: after that, the secret is gone for good.
 */
export function SecretDialog({
  created,
  origin,
  onClose,
}: {
  created: NewSecret | null;
  origin: string;
  onClose: () => void;
}) {
  // Confirmation belongs to one secret: a new secret starts unconfirmed without an effect.
  const [confirmedFor, setConfirmedFor] = useState<string | null>(null);
  const [tab, setTab] = useState<"curl" | "sdk">("curl");
  const checkboxId = useId();
  const open = created !== null;
  const confirmed = open && confirmedFor === created.secret;

  useEffect(() => {
    if (!open || confirmed) return;
    // Leaving the page would lose the secret too.
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [open, confirmed]);

  const snippet = created ? (tab === "curl" ? curlSnippet(origin, created.secret) : sdkSnippet(origin)) : "";
  const replaced = created?.replaced;

  return (
    <Dialog
      open={open}
      onClose={onClose}
      dismissable={confirmed}
      wide
      testId="secret-dialog"
      // It opens as the create (or roll) dialog closes, so its opener is gone by then.
      focusFallback="[data-testid=create-key]"
      title={replaced ? `New secret for “${created?.key.name}”` : `Your new key “${created?.key.name ?? ""}”`}
      description="Copy it now and keep it somewhere safe. For your security it will not be shown again."
    >
      {created ? (
        <div className="space-y-5">
          <div>
            <div className="flex items-stretch gap-2">
              <code
                data-testid="key-secret"
                className="block min-w-0 flex-1 select-all break-all rounded-md border border-zinc-200 bg-zinc-50 px-3 py-2.5 font-mono text-sm leading-relaxed dark:border-zinc-700 dark:bg-zinc-950"
              >
                {created.secret}
              </code>
              <CopyButton
                value={created.secret}
                label="Copy key"
                testId="copy-secret"
                className="shrink-0"
                // Copying is what the checkbox asks about: tick it for the user.
                onCopied={() => setConfirmedFor(created.secret)}
              />
            </div>
            {replaced ? (
              <p className="muted mt-2 text-sm" data-testid="replaced-note">
                The old key <span className="font-mono">{replaced.start}</span>{" "}
                {replaced.status === "active" && replaced.expiresAt
                  ? `keeps working until ${fullDateTime(replaced.expiresAt)}. Deploy the new one before then.`
                  : "has stopped working."}
              </p>
            ) : null}
          </div>

          <div>
            <p className="mb-2 text-sm font-medium">Try it</p>
            <div className="overflow-hidden rounded-lg border border-zinc-800 bg-zinc-900 dark:bg-black">
              <div className="flex items-center justify-between gap-2 border-b border-zinc-800 px-2 py-1.5">
                <div className="flex gap-1 text-xs" role="group" aria-label="Snippet language">
                  {(["curl", "sdk"] as const).map((t) => (
                    <button
                      key={t}
                      type="button"
                      aria-pressed={tab === t}
                      onClick={() => setTab(t)}
                      className={`rounded px-2.5 py-1 ${tab === t ? "bg-zinc-700 text-white" : "text-zinc-300 hover:text-white"}`}
                    >
                      {t === "curl" ? "curl" : "TypeScript SDK"}
                    </button>
                  ))}
                </div>
                <CopyButton
                  value={snippet}
                  className="border-zinc-700 bg-zinc-800 text-zinc-100 hover:bg-zinc-700 dark:border-zinc-700 dark:bg-zinc-800"
                />
              </div>
              <pre
                tabIndex={0}
                aria-label="Example call"
                className="max-h-56 overflow-auto p-4 text-xs leading-relaxed text-zinc-100"
                data-testid={`snippet-${tab}`}
              >
                <code>{snippet}</code>
              </pre>
            </div>
            <p className="muted mt-2 text-xs">
              Keep the key in an environment variable on your server. Never commit it or put it in browser code.
            </p>
          </div>

          <div className="flex flex-col gap-3 border-t border-zinc-200 pt-4 sm:flex-row sm:items-center sm:justify-between dark:border-zinc-800">
            <label htmlFor={checkboxId} className="flex cursor-pointer items-center gap-2 text-sm">
              <input
                id={checkboxId}
                type="checkbox"
                data-testid="copied-confirm"
                checked={confirmed}
                onChange={(e) => setConfirmedFor(e.target.checked ? created.secret : null)}
                className="h-4 w-4 rounded border-zinc-300 text-accent-600 focus:ring-accent-500 dark:border-zinc-600"
              />
              I have copied this key
            </label>
            <button
              type="button"
              className="btn-primary"
              disabled={!confirmed}
              onClick={onClose}
              data-testid="secret-done"
            >
              Done
            </button>
          </div>
        </div>
      ) : null}
    </Dialog>
  );
}
