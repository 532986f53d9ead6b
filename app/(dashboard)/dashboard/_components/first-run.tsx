import Link from "next/link";

export interface FirstRunSteps {
  toppedUp: boolean;
  hasKey: boolean;
  called: boolean;
}

const STEPS = [
  { id: "toppedUp", title: "Top up", body: "Add prepaid credit from your wallet.", href: "/billing", cta: "Add funds" },
  {
    id: "hasKey",
    title: "Create a key",
    body: "Keys authenticate your code's calls.",
    href: "/keys",
    cta: "Create key",
  },
  {
    id: "called",
    title: "Make your first call",
    body: "Point any OpenAI client at Solrouter with your key.",
    href: "/docs",
    cta: "Read the quick start",
  },
] as const;

/** Top up → Create key → First call; shown until the first successful call. */
export function FirstRun({ steps }: { steps: FirstRunSteps }) {
  const next = STEPS.find((s) => !steps[s.id]);
  return (
    <section className="card p-5" aria-labelledby="first-run-title" data-testid="first-run">
      <h2 id="first-run-title" className="text-base font-semibold">
        Get started
      </h2>
      <ol className="mt-4 grid gap-3 sm:grid-cols-3">
        {STEPS.map((s, i) => {
          const done = steps[s.id];
          return (
            <li
              key={s.id}
              data-state={done ? "done" : "todo"}
              className={`rounded-md border p-4 ${next === s ? "border-accent-500" : "border-zinc-200 dark:border-zinc-800"}`}
            >
              <p className="flex items-center gap-2 text-sm font-medium">
                <span
                  aria-hidden="true"
                  className={`flex h-5 w-5 items-center justify-center rounded-full text-xs ${done ? "bg-emerald-600 text-white" : "bg-zinc-100 text-zinc-700 dark:bg-zinc-800 dark:text-zinc-300"}`}
                >
                  {done ? "✓" : i + 1}
                </span>
                {s.title}
                {done ? <span className="sr-only">(done)</span> : null}
              </p>
              <p className="muted mt-1 text-sm">{s.body}</p>
              {!done ? (
                <Link
                  href={s.href}
                  className={`${next === s ? "btn-primary" : "btn-secondary"} mt-3 px-3 py-1.5`}
                  data-testid={`first-run-${s.id}`}
                >
                  {s.cta}
                </Link>
              ) : null}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
