"use client";

/** One option of a segmented radio group: arrows move between options, Tab leaves the group. */
export function Segment({
  name,
  value,
  checked,
  onChange,
  children,
}: {
  name: string;
  value: string;
  checked: boolean;
  onChange: (v: string) => void;
  children: React.ReactNode;
}) {
  return (
    <label className="relative cursor-pointer">
      <input
        type="radio"
        name={name}
        value={value}
        checked={checked}
        onChange={() => onChange(value)}
        className="peer sr-only"
      />
      <span className="flex h-10 items-center justify-center gap-2 rounded-md border border-zinc-300 bg-white px-3.5 text-sm font-medium text-zinc-700 transition-colors hover:bg-zinc-50 peer-checked:border-accent-600 peer-checked:bg-accent-50 peer-checked:text-accent-700 peer-focus-visible:ring-2 peer-focus-visible:ring-accent-500 peer-focus-visible:ring-offset-2 dark:border-zinc-700 dark:bg-zinc-950 dark:text-zinc-300 dark:hover:bg-zinc-900 dark:peer-checked:border-accent-500 dark:peer-checked:bg-accent-500/10 dark:peer-checked:text-accent-400 dark:peer-focus-visible:ring-offset-zinc-900">
        {children}
      </span>
    </label>
  );
}
