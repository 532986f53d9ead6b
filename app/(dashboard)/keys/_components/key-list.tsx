"use client";
import { formatUsd } from "@/lib/format";
import { ago, fullDateTime, relative, shortDate, statusAt } from "./key-format";
import type { KeyItem, KeyStatus } from "./keys-api";

// One markup for both sizes: a card per key on small screens, a table-like grid from lg up
// (the column labels become screen-reader-only there, the header row takes over).
const GRID =
  "lg:grid lg:grid-cols-[minmax(0,2.2fr)_minmax(0,1fr)_minmax(0,1fr)_minmax(0,1.1fr)_minmax(0,0.9fr)_minmax(0,1.4fr)_auto] lg:items-center lg:gap-4";

/** What a row shows: a rolled key still working through its grace period reads "expiring". */
type Shown = KeyStatus | "expiring";

const BADGE: Record<Shown, string> = {
  expiring:
    "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/30",
  active:
    "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/30",
  expired:
    "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/30",
  revoked: "bg-zinc-100 text-zinc-600 ring-zinc-500/20 dark:bg-zinc-800 dark:text-zinc-400 dark:ring-zinc-500/30",
};

export function StatusBadge({ status }: { status: Shown }) {
  return (
    <span
      className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium capitalize ring-1 ring-inset ${BADGE[status]}`}
    >
      {status}
    </span>
  );
}

function Field({ label, children, className = "" }: { label: string; children: React.ReactNode; className?: string }) {
  return (
    <div className={`min-w-0 ${className}`}>
      <div className="muted text-xs lg:sr-only">{label}</div>
      <div className="text-sm">{children}</div>
    </div>
  );
}

/** A row's Edit / Roll / Revoke button; the label names the key for screen readers. */
function RowAction(props: { label: string; name: string; testId: string; onClick: () => void; className?: string }) {
  return (
    <button
      type="button"
      className={`btn-ghost px-2.5 py-2 text-xs lg:py-1.5${props.className ? ` ${props.className}` : ""}`}
      onClick={props.onClick}
      data-testid={props.testId}
      aria-label={`${props.label} ${props.name}`}
    >
      {props.label}
    </button>
  );
}

/** A rolled key's calls count against its replacement's cap: its spend and cap are that key's. */
function SharedNote({ k }: { k: KeyItem }) {
  return k.capKeyId ? (
    <span className="muted block text-xs" data-testid="key-shared-cap">
      shared with its new key
    </span>
  ) : null;
}

/** "Management" on keys that may manage the account with Authorization: Bearer. */
function ManagementBadge({ k }: { k: KeyItem }) {
  if (!k.canManageKeys) return null;
  return (
    <span
      data-testid="key-management"
      title={
        k.canCallModels
          ? "Manages keys and top-ups; may also call models"
          : "Manages keys and top-ups; cannot call models"
      }
      className="ml-2 inline-flex items-center rounded-full bg-violet-50 px-2 py-0.5 align-middle text-xs font-medium text-violet-700 ring-1 ring-inset ring-violet-600/20 dark:bg-violet-500/10 dark:text-violet-300 dark:ring-violet-400/30"
    >
      Management
    </span>
  );
}

/** The model allowlist, when the key has one. */
function ModelsNote({ k }: { k: KeyItem }) {
  if (!k.models || k.models.length === 0) return null;
  return (
    <div className="muted mt-0.5 truncate text-xs" data-testid="key-models" title={k.models.join(", ")}>
      Only {k.models.join(", ")}
    </div>
  );
}

function Spend({ k }: { k: KeyItem }) {
  // Capped keys show the spend of their cap's period (day, week or month, UTC); others the month's.
  const spent = k.spendCapMicro === null ? (k.monthSpendMicro ?? 0) : (k.periodSpendMicro ?? 0);
  if (k.spendCapMicro === null) {
    return (
      <span className="block tabular-nums">
        {formatUsd(spent)} <span className="muted text-xs">· no cap</span>
        <SharedNote k={k} />
      </span>
    );
  }
  const pct = Math.min(100, (spent / k.spendCapMicro) * 100);
  const bar = pct >= 100 ? "bg-red-500" : pct >= 80 ? "bg-amber-500" : "bg-accent-500";
  return (
    <span className="block" data-testid="key-spend">
      <span className="tabular-nums">
        {formatUsd(spent)}{" "}
        <span className="muted">
          of {formatUsd(k.spendCapMicro)}
          {k.capPeriod !== "month" ? <span data-testid="key-cap-period"> per {k.capPeriod}</span> : null}
        </span>
      </span>
      <span
        className="mt-1 block h-1.5 w-full max-w-[10rem] overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
        role="progressbar"
        aria-label={`Cap used this ${k.capPeriod}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(pct)}
      >
        <span className={`block h-full rounded-full ${bar}`} style={{ width: `${pct}%` }} />
      </span>
      <SharedNote k={k} />
    </span>
  );
}

function Expiry({ k, now, status }: { k: KeyItem; now: number; status: KeyStatus }) {
  if (status === "revoked" && k.revokedAt)
    return <span title={fullDateTime(k.revokedAt)}>Revoked {ago(k.revokedAt, now)}</span>;
  if (!k.expiresAt) return <span className="muted">Never</span>;
  const label = status === "expired" ? `Expired ${relative(k.expiresAt, now)}` : relative(k.expiresAt, now);
  return (
    <span title={fullDateTime(k.expiresAt)}>
      {label}
      {k.replacedBy ? <span className="muted block text-xs">rolled</span> : null}
    </span>
  );
}

export interface KeyActions {
  onEdit: (k: KeyItem) => void;
  onRoll: (k: KeyItem) => void;
  onRevoke: (k: KeyItem) => void;
}

/** Each rolled key right under the key that replaces it, so the pair reads as one credential. */
export function groupRolled(keys: KeyItem[]): KeyItem[] {
  const byReplacement = new Map<string, KeyItem[]>();
  for (const k of keys)
    if (k.replacedBy) byReplacement.set(k.replacedBy, [...(byReplacement.get(k.replacedBy) ?? []), k]);
  const placed = new Set<string>();
  const out: KeyItem[] = [];
  const add = (k: KeyItem) => {
    if (placed.has(k.id)) return;
    placed.add(k.id);
    out.push(k);
    for (const old of byReplacement.get(k.id) ?? []) add(old);
  };
  for (const k of keys) if (!k.replacedBy || !keys.some((r) => r.id === k.replacedBy)) add(k);
  for (const k of keys) add(k);
  return out;
}

export function KeyList({ keys, now, actions }: { keys: KeyItem[]; now: number; actions: KeyActions }) {
  return (
    <div className="card overflow-hidden">
      <div
        className={`hidden border-b border-zinc-200 bg-zinc-50 px-4 py-2.5 text-xs font-medium uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400 ${GRID}`}
        aria-hidden="true"
      >
        <span>Name</span>
        <span>Created</span>
        <span>Last used</span>
        <span>Expires</span>
        <span>Status</span>
        <span>This month</span>
        <span className="w-[13.5rem] text-right">Actions</span>
      </div>
      <ul className="divide-y divide-zinc-200 dark:divide-zinc-800" aria-label="API keys">
        {groupRolled(keys).map((k) => {
          const status = statusAt(k, now);
          const live = status === "active";
          const expiring = live && !!k.replacedBy;
          const shown: Shown = expiring ? "expiring" : status;
          return (
            <li
              key={k.id}
              data-testid="key-row"
              data-key-id={k.id}
              data-status={status}
              data-display={shown}
              data-focus-return={`key:${k.id}`}
              tabIndex={-1}
              className={`px-4 py-4 lg:py-3 ${live && !expiring ? "" : "bg-zinc-50/60 dark:bg-zinc-900/40"} ${expiring ? "border-l-2 border-amber-400 pl-6 dark:border-amber-500/60" : ""}`}
            >
              <div className={`grid grid-cols-2 gap-x-4 gap-y-3 ${GRID}`}>
                <div className="col-span-2 flex min-w-0 items-start justify-between gap-3 lg:col-span-1">
                  <div className="min-w-0">
                    <div
                      className={`truncate font-medium ${live && !expiring ? "" : "text-zinc-600 dark:text-zinc-400"}`}
                      title={k.name}
                      data-testid="key-name-cell"
                    >
                      {k.name}
                      <ManagementBadge k={k} />
                    </div>
                    <div className="muted mt-0.5 truncate font-mono text-xs" data-testid="key-start">
                      {k.start}
                      {expiring ? <span className="font-sans"> · old key, replaced by the one above</span> : null}
                    </div>
                    <ModelsNote k={k} />
                  </div>
                  <div className="lg:hidden">
                    <StatusBadge status={shown} />
                  </div>
                </div>
                <Field label="Created">
                  <span title={fullDateTime(k.createdAt)}>{shortDate(k.createdAt)}</span>
                </Field>
                <Field label="Last used">
                  {k.lastUsedAt ? (
                    <span data-testid="key-last-used" title={fullDateTime(k.lastUsedAt)}>
                      {ago(k.lastUsedAt, now)}
                    </span>
                  ) : (
                    <span data-testid="key-last-used" className="muted">
                      Never
                    </span>
                  )}
                </Field>
                <Field label="Expires">
                  <Expiry k={k} now={now} status={status} />
                </Field>
                <Field label="Status" className="hidden lg:block">
                  <StatusBadge status={shown} />
                </Field>
                <Field label="Spent (this month, or the cap's period)">
                  <Spend k={k} />
                </Field>
                <div className="col-span-2 flex flex-wrap justify-start gap-1 lg:col-span-1 lg:w-[13.5rem] lg:justify-end">
                  {live ? (
                    <>
                      <RowAction label="Edit" name={k.name} testId="edit-key" onClick={() => actions.onEdit(k)} />
                      {!k.replacedBy ? (
                        <RowAction label="Roll" name={k.name} testId="roll-key" onClick={() => actions.onRoll(k)} />
                      ) : null}
                      <RowAction
                        label="Revoke"
                        name={k.name}
                        testId="revoke-key"
                        onClick={() => actions.onRevoke(k)}
                        className="text-red-600 hover:bg-red-50 hover:text-red-700 dark:text-red-400 dark:hover:bg-red-950/40 dark:hover:text-red-300"
                      />
                    </>
                  ) : (
                    <span className="muted hidden text-xs lg:inline">—</span>
                  )}
                </div>
              </div>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
