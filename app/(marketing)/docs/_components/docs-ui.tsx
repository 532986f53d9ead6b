// Building blocks of the docs page: server components only, no client JavaScript.

export function Anchor({ id, level = 2, children }: { id: string; level?: 2 | 3; children: React.ReactNode }) {
  const Tag = level === 2 ? "h2" : "h3";
  const size = level === 2 ? "mt-16 text-2xl font-semibold tracking-tight" : "mt-8 text-lg font-semibold";
  return (
    <Tag id={id} className={`group scroll-mt-20 ${size}`}>
      <a href={`#${id}`} className="no-underline">
        {children}
        <span
          className="ml-2 text-accent-500 opacity-0 transition-opacity group-hover:opacity-100 group-focus-within:opacity-100"
          aria-hidden="true"
        >
          #
        </span>
      </a>
    </Tag>
  );
}

export function Code({ children, title }: { children: string; title?: string }) {
  return (
    <div className="my-4 overflow-hidden rounded-lg border border-zinc-800 bg-zinc-900 dark:bg-black">
      {title ? (
        <div className="border-b border-zinc-800 px-4 py-1.5 font-mono text-[11px] uppercase tracking-wide text-zinc-400">
          {title}
        </div>
      ) : null}
      <pre tabIndex={0} className="overflow-x-auto p-4 text-[13px] leading-relaxed text-zinc-100">
        <code>{children}</code>
      </pre>
    </div>
  );
}

export function P({ children }: { children: React.ReactNode }) {
  return <p className="mt-3 leading-7 text-zinc-700 dark:text-zinc-300">{children}</p>;
}

// Short tokens stay whole; a long one (a URL, a header with its value) may break at its spaces,
// and anywhere when a single word is wider than a phone's line.
export function C({ children }: { children: React.ReactNode }) {
  return <code className="code [overflow-wrap:anywhere]">{children}</code>;
}

export function Callout({
  tone = "info",
  title,
  children,
}: {
  tone?: "info" | "warn";
  title: string;
  children: React.ReactNode;
}) {
  const styles =
    tone === "warn"
      ? "border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-500/40 dark:bg-amber-500/10 dark:text-amber-100"
      : "border-accent-100 bg-accent-50 text-zinc-800 dark:border-accent-500/30 dark:bg-accent-500/10 dark:text-zinc-200";
  return (
    <div className={`my-5 rounded-lg border px-4 py-3 text-sm leading-6 ${styles}`}>
      <p className="font-semibold">{title}</p>
      <div className="mt-1">{children}</div>
    </div>
  );
}

export function Table({ head, rows, testId }: { head: string[]; rows: React.ReactNode[][]; testId?: string }) {
  return (
    <div className="card my-4 overflow-x-auto" tabIndex={0} data-testid={testId}>
      <table className="w-full text-left text-sm">
        <thead className="border-b border-zinc-200 bg-zinc-50 text-xs uppercase tracking-wide text-zinc-500 dark:border-zinc-800 dark:bg-zinc-900/60 dark:text-zinc-400">
          <tr>
            {head.map((h) => (
              <th key={h} scope="col" className="px-4 py-2 font-medium">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i} className="border-b border-zinc-100 align-top last:border-0 dark:border-zinc-800">
              {r.map((cell, j) => (
                <td key={j} className="px-4 py-2.5">
                  {cell}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export interface TocItem {
  id: string;
  label: string;
  children?: TocItem[];
}

function TocList({ items }: { items: TocItem[] }) {
  return (
    <ul className="space-y-1 text-sm">
      {items.map((i) => (
        <li key={i.id}>
          <a
            href={`#${i.id}`}
            className="block rounded px-2 py-1 text-zinc-600 hover:bg-zinc-100 hover:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-white"
          >
            {i.label}
          </a>
          {i.children ? (
            <ul className="ml-3 border-l border-zinc-200 pl-1 dark:border-zinc-800">
              {i.children.map((c) => (
                <li key={c.id}>
                  <a
                    href={`#${c.id}`}
                    className="block rounded px-2 py-1 text-zinc-600 hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-white"
                  >
                    {c.label}
                  </a>
                </li>
              ))}
            </ul>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** Sticky sidebar on wide screens; a collapsible "On this page" (native <details>) on small ones. */
export function Toc({ items }: { items: TocItem[] }) {
  return (
    <>
      <nav aria-label="On this page" className="sticky top-6 hidden max-h-[calc(100vh-3rem)] overflow-y-auto lg:block">
        <p className="mb-2 px-2 text-xs font-semibold uppercase tracking-wide text-zinc-600 dark:text-zinc-400">
          On this page
        </p>
        <TocList items={items} />
      </nav>
      <details className="card px-4 py-3 lg:hidden">
        <summary className="cursor-pointer text-sm font-medium">On this page</summary>
        <nav aria-label="On this page (compact)" className="mt-2">
          <TocList items={items} />
        </nav>
      </details>
    </>
  );
}
