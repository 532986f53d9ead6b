"use client";
import { useMemo, useState } from "react";
import { ChartCanvas } from "./chart-canvas";
import { ChartTable } from "./chart-table";

// A stacked bar chart with a legend, and a button that shows a table of exactly the same numbers
// instead (chart-canvas.tsx draws the chart view, chart-table.tsx the table).

export interface ChartSeries {
  id: string;
  label: string;
  color: string;
}

/** What the chart view and the table view both draw from. */
export interface ChartData {
  title: string;
  categories: string[];
  series: ChartSeries[];
  /** values[category][series], exact integers (micro-USD or counts). */
  values: bigint[][];
  /** Per category, the sum over series. */
  totals: bigint[];
  grand: bigint;
  format: (v: bigint) => string;
  formatCategory: (c: string) => string;
  testId?: string;
}

type Props = Omit<ChartData, "totals" | "grand"> & { formatAxis: (v: number) => string };

export function StackedBarChart({ formatAxis, ...input }: Props) {
  const [asTable, setAsTable] = useState(false);
  const totals = useMemo(() => input.values.map((row) => row.reduce((a, v) => a + v, 0n)), [input.values]);
  const data: ChartData = { ...input, totals, grand: totals.reduce((a, v) => a + v, 0n) };
  return (
    <div data-testid={data.testId}>
      <div className="mb-2 flex items-center justify-between gap-2">
        <h2 className="text-sm font-medium">{data.title}</h2>
        <button
          type="button"
          className="btn-ghost px-2 py-1 text-xs"
          aria-pressed={asTable}
          onClick={() => setAsTable((v) => !v)}
        >
          {asTable ? "View as chart" : "View as table"}
        </button>
      </div>
      {asTable ? <ChartTable {...data} /> : <ChartCanvas {...data} formatAxis={formatAxis} />}
      <Legend series={data.series} />
    </div>
  );
}

function Legend({ series }: { series: ChartSeries[] }) {
  if (!series.length) return null;
  return (
    <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400" aria-label="Legend">
      {series.map((s) => (
        <li key={s.id} className="flex items-center gap-1.5">
          <span className="h-2.5 w-2.5 rounded-sm" style={{ background: s.color }} aria-hidden="true" />
          {s.label}
        </li>
      ))}
    </ul>
  );
}
