import { formatUsd } from "@/lib/format";

const dayLabel = (d: string) =>
  new Date(`${d}T00:00:00Z`).toLocaleDateString("en-US", { month: "short", day: "numeric", timeZone: "UTC" });

/** Thirty thin bars, one per UTC day; the numbers are in the hidden list for screen readers. */
export function SpendChart({ days }: { days: { day: string; costMicro: number }[] }) {
  const max = Math.max(...days.map((d) => d.costMicro), 1);
  const w = 100 / Math.max(days.length, 1);
  return (
    <figure className="mt-4">
      <svg viewBox="0 0 100 32" preserveAspectRatio="none" className="h-16 w-full" aria-hidden="true">
        {days.map((d, i) => {
          const h = d.costMicro ? Math.max((d.costMicro / max) * 30, 1.5) : 0.6;
          return (
            <rect
              key={d.day}
              x={i * w + w * 0.15}
              y={32 - h}
              width={w * 0.7}
              height={h}
              rx={0.4}
              className={d.costMicro ? "fill-accent-500" : "fill-zinc-200 dark:fill-zinc-800"}
            />
          );
        })}
      </svg>
      <figcaption className="muted mt-1 flex justify-between text-xs">
        <span>{days[0] ? dayLabel(days[0].day) : ""}</span>
        <span>UTC days</span>
        <span>{days.at(-1) ? dayLabel(days.at(-1)!.day) : ""}</span>
      </figcaption>
      <ul className="sr-only">
        {days
          .filter((d) => d.costMicro > 0)
          .map((d) => (
            <li key={d.day}>
              {dayLabel(d.day)}: {formatUsd(d.costMicro)}
            </li>
          ))}
      </ul>
    </figure>
  );
}
