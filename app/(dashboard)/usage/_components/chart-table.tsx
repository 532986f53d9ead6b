import { ColumnHeads, type Head } from "@/components/ui/column-heads";
import type { ChartData } from "./stacked-bar-chart";

/** The chart's numbers as a table: one row per day, newest first, with totals. */
export function ChartTable({
  title,
  categories,
  series,
  values,
  totals,
  grand,
  format,
  formatCategory,
  testId,
}: ChartData) {
  return (
    <div
      className="max-h-72 overflow-auto rounded-md border border-zinc-200 dark:border-zinc-800"
      tabIndex={0}
      role="region"
      aria-label={`${title}, table`}
    >
      <table className="w-full text-right text-xs tabular-nums" data-testid={testId ? `${testId}-table` : undefined}>
        <caption className="sr-only">{title}</caption>
        <thead className="sticky top-0 bg-zinc-50 text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
          <ColumnHeads
            heads={[
              ["Day (UTC)", "px-3 py-2 text-left"],
              ...series.map((s): Head => [s.label, "px-3 py-2"]),
              ["Total", "px-3 py-2"],
            ]}
          />
        </thead>
        <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
          {categories
            .map((c, i) => ({ c, i }))
            .reverse()
            .map(({ c, i }) => (
              <tr key={c}>
                <th scope="row" className="px-3 py-1.5 text-left font-normal">
                  {formatCategory(c)}
                </th>
                {series.map((s, j) => (
                  <td key={s.id} className="px-3 py-1.5">
                    {format(values[i]![j]!)}
                  </td>
                ))}
                <td className="px-3 py-1.5 font-medium">{format(totals[i]!)}</td>
              </tr>
            ))}
        </tbody>
        <tfoot className="border-t border-zinc-200 font-medium dark:border-zinc-700">
          <tr>
            <th scope="row" className="px-3 py-2 text-left">
              Total
            </th>
            {series.map((s, j) => (
              <td key={s.id} className="px-3 py-2">
                {format(values.reduce((a, row) => a + row[j]!, 0n))}
              </td>
            ))}
            <td className="px-3 py-2" data-testid={testId ? `${testId}-total` : undefined}>
              {format(grand)}
            </td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}
