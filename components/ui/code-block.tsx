import { CopyButton } from "./copy-button";

/**
 * A dark code sample with a copy button. The block scrolls sideways inside itself (never the page)
 * and takes focus, so keyboard users can scroll it too.
 */
export function CodeBlock({ code, label, className = "" }: { code: string; label: string; className?: string }) {
  return (
    <div className={`relative min-w-0 overflow-hidden rounded-lg bg-zinc-900 dark:bg-black ${className}`}>
      <div className="flex items-center justify-between border-b border-white/10 px-4 py-2">
        <span className="text-xs text-zinc-300">{label}</span>
        <CopyButton
          value={code}
          label="Copy"
          className="border-white/20 bg-transparent text-zinc-100 hover:bg-white/10 dark:border-white/20 dark:bg-transparent"
        />
      </div>
      <pre
        tabIndex={0}
        aria-label={`${label} code`}
        className="overflow-x-auto p-4 text-xs leading-relaxed text-zinc-100"
      >
        <code>{code}</code>
      </pre>
    </div>
  );
}
