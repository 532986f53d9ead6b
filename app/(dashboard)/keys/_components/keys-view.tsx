"use client";
import { Alert, errorMessage } from "@/components/ui/alert";
import Link from "next/link";
import { useState } from "react";
import { useNow } from "@/components/use-now";
import { useToast } from "@/components/ui/toast";
import { MAX_ACTIVE_KEYS } from "@/lib/keys/limits";
import { PageHeader } from "../../_components/page-header";
import { CreateKeyDialog } from "./create-key-dialog";
import { EditKeyDialog } from "./edit-key-dialog";
import { KeyList } from "./key-list";
import { statusAt } from "./key-format";
import { useKeys, type KeyItem, type NewSecret } from "./keys-api";
import { RevokeDialog } from "./revoke-dialog";
import { RollDialog } from "./roll-dialog";
import { SecretDialog } from "./secret-dialog";

function Skeleton() {
  return (
    <div
      className="card divide-y divide-zinc-200 dark:divide-zinc-800"
      aria-busy="true"
      aria-label="Loading keys"
      data-testid="keys-loading"
    >
      {[0, 1, 2].map((i) => (
        <div key={i} className="flex animate-pulse items-center gap-4 px-4 py-4">
          <div className="flex-1 space-y-2">
            <div className="h-3.5 w-40 rounded bg-zinc-200 dark:bg-zinc-800" />
            <div className="h-3 w-28 rounded bg-zinc-100 dark:bg-zinc-800/60" />
          </div>
          <div className="hidden h-3 w-20 rounded bg-zinc-100 sm:block dark:bg-zinc-800/60" />
          <div className="hidden h-3 w-24 rounded bg-zinc-100 sm:block dark:bg-zinc-800/60" />
          <div className="h-5 w-14 rounded-full bg-zinc-200 dark:bg-zinc-800" />
        </div>
      ))}
    </div>
  );
}

function EmptyState({ onCreate, origin }: { onCreate: () => void; origin: string }) {
  return (
    <div className="card px-6 py-10 text-center sm:py-14" data-testid="keys-empty">
      <div
        className="mx-auto flex h-11 w-11 items-center justify-center rounded-full bg-accent-50 text-accent-600 dark:bg-accent-500/10 dark:text-accent-400"
        aria-hidden="true"
      >
        <svg
          width="20"
          height="20"
          viewBox="0 0 24 24"
          fill="none"
          stroke="currentColor"
          strokeWidth="1.8"
          strokeLinecap="round"
          strokeLinejoin="round"
        >
          <circle cx="8" cy="15" r="4" />
          <path d="M10.8 12.2 19 4M16 7l2.5 2.5M14 9l2 2" />
        </svg>
      </div>
      <h2 className="mt-4 text-lg font-semibold">No API keys yet</h2>
      <p className="muted mx-auto mt-2 max-w-md text-sm">
        An API key lets your code call <span className="code">POST /agent</span>. Each call is billed from your prepaid
        balance. Create one key per app so you can revoke one without breaking the others.
      </p>
      <button type="button" className="btn-primary mt-6" onClick={onCreate} data-testid="create-first-key">
        Create your first key
      </button>
      <pre
        tabIndex={0}
        className="mx-auto mt-8 max-w-lg overflow-x-auto rounded-lg bg-zinc-900 p-4 text-left text-xs leading-relaxed text-zinc-300 dark:bg-black"
      >
        <code>{`curl ${origin}/agent \\\n  -H "Authorization: Bearer $SOLROUTER_API_KEY" \\\n  -d '{"model":"gpt-oss:20b","prompt":"Hello"}'`}</code>
      </pre>
      <p className="muted mt-4 text-xs">
        Prefer no key at all? Agents can pay per call with x402.{" "}
        <Link href="/docs#x402" className="text-accent-600 hover:underline dark:text-accent-400">
          Read the docs
        </Link>
      </p>
    </div>
  );
}

export function KeysView({ origin }: { origin: string }) {
  const keys = useKeys();
  // Never older than the data: relative times of a key created a second ago must not read "in 10 s".
  // A clock for relative times and grace periods that end while the page is open.
  const now = Math.max(useNow(30_000), keys.dataUpdatedAt);
  const [creating, setCreating] = useState(false);
  const [secret, setSecret] = useState<NewSecret | null>(null);
  const [revoking, setRevoking] = useState<KeyItem | null>(null);
  const [rolling, setRolling] = useState<KeyItem | null>(null);
  const [editing, setEditing] = useState<KeyItem | null>(null);
  const toast = useToast();

  const list = keys.data ?? [];
  const activeCount = list.filter((k) => statusAt(k, now) === "active").length;
  const atLimit = activeCount >= MAX_ACTIVE_KEYS;

  return (
    <>
      <PageHeader
        title="API keys"
        description="Keys authenticate your code to POST /agent and are billed from your prepaid balance."
        actions={
          <button
            type="button"
            className="btn-primary"
            onClick={() => setCreating(true)}
            disabled={atLimit}
            title={atLimit ? `You have ${MAX_ACTIVE_KEYS} active keys, the most allowed. Revoke one first.` : undefined}
            data-testid="create-key"
          >
            <svg width="14" height="14" viewBox="0 0 16 16" aria-hidden="true">
              <path d="M8 3v10M3 8h10" stroke="currentColor" strokeWidth="1.8" strokeLinecap="round" />
            </svg>
            Create key
          </button>
        }
      />

      {keys.isPending ? (
        <Skeleton />
      ) : keys.isError ? (
        <Alert
          testId="keys-error"
          title="We couldn’t load your keys."
          actions={
            <button
              type="button"
              className="btn-secondary px-3 py-1.5"
              onClick={() => void keys.refetch()}
              disabled={keys.isFetching}
            >
              Try again
            </button>
          }
        >
          {errorMessage(keys.error)}
        </Alert>
      ) : list.length === 0 ? (
        <EmptyState onCreate={() => setCreating(true)} origin={origin} />
      ) : (
        <>
          <p className="muted mb-3 text-sm" data-testid="keys-count">
            {activeCount} of {MAX_ACTIVE_KEYS} active keys
            {atLimit ? " — revoke one you no longer use to create another." : ""}
          </p>
          <KeyList keys={list} now={now} actions={{ onEdit: setEditing, onRoll: setRolling, onRevoke: setRevoking }} />
          <p className="muted mt-4 text-xs">
            Spending is counted per UTC calendar month. Keep keys on your server only —{" "}
            <Link href="/docs#key-safety" className="text-accent-600 hover:underline dark:text-accent-400">
              how to keep keys safe
            </Link>
            .
          </p>
        </>
      )}

      <CreateKeyDialog
        open={creating}
        onClose={() => setCreating(false)}
        onCreated={(s) => {
          setCreating(false);
          setSecret(s);
        }}
      />
      <RollDialog
        target={rolling}
        onClose={() => setRolling(null)}
        onRolled={(s) => {
          setRolling(null);
          setSecret(s);
        }}
      />
      <EditKeyDialog
        target={editing}
        onClose={() => setEditing(null)}
        onSaved={(k) => toast(`Key “${k.name}” saved.`)}
      />
      <RevokeDialog
        target={revoking}
        onClose={() => setRevoking(null)}
        onRevoked={(k) => toast(`Key “${k.name}” revoked.`)}
      />
      <SecretDialog
        created={secret}
        origin={origin}
        onClose={() => {
          // Confirmed once the secret dialog is closed: a toast under a modal would go unseen.
          if (secret) toast(`Key “${secret.key.name}” ${secret.replaced ? "rolled" : "created"}.`);
          setSecret(null);
        }}
      />
    </>
  );
}
