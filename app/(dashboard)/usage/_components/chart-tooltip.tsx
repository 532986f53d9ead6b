import type { ChartSeries } from "./stacked-bar-chart";

/** One day's numbers beside its bar: each series that has any, then the total. */
export function ChartTooltip({
  category,
  series,
  values,
  total,
  format,
  style,
  testId,
}: {
  category: string;
  series: ChartSeries[];
  values: bigint[];
  total: bigint;
  format: (v: bigint) => string;
  style: React.CSSProperties;
  testId?: string;
}) {
  return (
    <div
      role="presentation"
      className="pointer-events-none absolute top-0 z-10 min-w-40 rounded-md border border-zinc-200 bg-white p-2 text-xs shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
      style={style}
      data-testid={testId}
    >
      <p className="mb-1 font-medium">{category}</p>
      {series.map((s, j) =>
        values[j] ? (
          <p key={s.id} className="flex items-center justify-between gap-3">
            <span className="flex items-center gap-1.5">
              <span className="h-2 w-2 rounded-sm" style={{ background: s.color }} />
              {s.label}
            </span>
            <span className="tabular-nums">{format(values[j]!)}</span>
          </p>
        ) : null,
      )}
      <p className="mt-1 flex justify-between gap-3 border-t border-zinc-100 pt-1 font-medium dark:border-zinc-800">
        <span>Total</span>
        <span className="tabular-nums">{format(total)}</span>
      </p>
    </div>
  );
}
