"use client";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import dynamic from "next/dynamic";

const H = 200;

// uPlot (23 kB gzip) loads while the daily numbers are fetched, not with the page.
const BarCanvas = dynamic(() => import("./bar-canvas").then((m) => m.BarCanvas), {
  ssr: false,
  loading: () => <div style={{ height: H }} />,
});
/** Room the canvas leaves right of the plot (bar-canvas.tsx pads by the same amount). */
const PAD_RIGHT = 12;

// A stacked bar chart: uPlot draws it (bar-canvas.tsx); here are the tooltip on hover and on
// keyboard focus (one tab stop, arrow keys move between days), the legend, and a table of exactly
// the same numbers.

export interface ChartSeries {
  id: string;
  label: string;
  color: string;
}

interface Props {
  title: string;
  categories: string[];
  series: ChartSeries[];
  /** values[category][series], exact integers (micro-USD or counts). */
  values: bigint[][];
  format: (v: bigint) => string;
  formatAxis: (v: number) => string;
  formatCategory: (c: string) => string;
  testId?: string;
}


function niceTicks(max: number): number[] {
  // Nothing to scale: a bare baseline rather than a made-up top value.
  if (max <= 0) return [0];
  const raw = max / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const n = raw / p;
  const step = Math.max(1, (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * p);
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks;
}

// Beside the bar, on the side with room, so the bar stays visible.
function tooltipSide(cx: number, width: number): React.CSSProperties {
  return cx > width / 2 ? { right: Math.max(0, width - cx + 10) } : { left: cx + 10 };
}

export function StackedBarChart({ title, categories, series, values, format, formatAxis, formatCategory, testId }: Props) {
  const [asTable, setAsTable] = useState(false);
  const [active, setActive] = useState<number | null>(null);
  const [width, setWidth] = useState(640);
  const box = useRef<HTMLDivElement>(null);
  const liveId = useId();

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => e && setWidth(Math.max(240, Math.floor(e.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, [asTable]);

  const totals = useMemo(() => values.map((row) => row.reduce((a, v) => a + v, 0n)), [values]);
  const grand = totals.reduce((a, v) => a + v, 0n);
  const max = totals.reduce((a, v) => (v > a ? v : a), 0n);
  const ticks = useMemo(() => niceTicks(Number(max)), [max]);
  const colors = useMemo(() => series.map((s) => s.color), [series]);
  const axisWidth = Math.min(88, 12 + Math.max(...ticks.map((t) => formatAxis(t).length)) * 6.5);
  const band = (width - axisWidth - PAD_RIGHT) / Math.max(1, categories.length);
  const labelEvery = Math.max(1, Math.ceil(56 / band));

  const describe = (i: number) =>
    `${formatCategory(categories[i]!)}: ${format(totals[i]!)} total${series.map((s, j) => (values[i]![j] ? `, ${s.label} ${format(values[i]![j]!)}` : "")).join("")}`;

  const onKey = (e: React.KeyboardEvent) => {
    const last = categories.length - 1;
    const cur = active ?? last;
    const next = e.key === "ArrowLeft" ? cur - 1 : e.key === "ArrowRight" ? cur + 1 : e.key === "Home" ? 0 : e.key === "End" ? last : null;
    if (next === null) return;
    e.preventDefault();
    setActive(Math.max(0, Math.min(last, next)));
  };

  return (
    <div data-testid={testId}>
      <div className="mb-2 flex items-center justify-between gap-2">
        <h3 className="text-sm font-medium">{title}</h3>
        <button type="button" className="btn-ghost px-2 py-1 text-xs" aria-pressed={asTable} onClick={() => setAsTable((v) => !v)}>
          {asTable ? "View as chart" : "View as table"}
        </button>
      </div>
      {asTable ? (
        <div className="max-h-72 overflow-auto rounded-md border border-zinc-200 dark:border-zinc-800">
          <table className="w-full text-right text-xs tabular-nums" data-testid={testId ? `${testId}-table` : undefined}>
            <caption className="sr-only">{title}</caption>
            <thead className="sticky top-0 bg-zinc-50 text-zinc-500 dark:bg-zinc-900 dark:text-zinc-400">
              <tr>
                <th scope="col" className="px-3 py-2 text-left font-medium">Day (UTC)</th>
                {series.map((s) => (
                  <th key={s.id} scope="col" className="px-3 py-2 font-medium">{s.label}</th>
                ))}
                <th scope="col" className="px-3 py-2 font-medium">Total</th>
              </tr>
            </thead>
            <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
              {categories.map((c, i) => ({ c, i })).reverse().map(({ c, i }) => (
                <tr key={c}>
                  <th scope="row" className="px-3 py-1.5 text-left font-normal">{formatCategory(c)}</th>
                  {series.map((s, j) => (
                    <td key={s.id} className="px-3 py-1.5">{format(values[i]![j]!)}</td>
                  ))}
                  <td className="px-3 py-1.5 font-medium">{format(totals[i]!)}</td>
                </tr>
              ))}
            </tbody>
            <tfoot className="border-t border-zinc-200 font-medium dark:border-zinc-700">
              <tr>
                <th scope="row" className="px-3 py-2 text-left">Total</th>
                {series.map((s, j) => (
                  <td key={s.id} className="px-3 py-2">{format(values.reduce((a, row) => a + row[j]!, 0n))}</td>
                ))}
                <td className="px-3 py-2" data-testid={testId ? `${testId}-total` : undefined}>{format(grand)}</td>
              </tr>
            </tfoot>
          </table>
        </div>
      ) : (
        <div
          ref={box}
          className="relative rounded-md focus-visible:ring-2"
          tabIndex={0}
          role="group"
          aria-roledescription="chart"
          aria-label={`${title}. Use the left and right arrow keys to read each day.`}
          aria-describedby={liveId}
          onKeyDown={onKey}
          onFocus={() => setActive((a) => a ?? categories.length - 1)}
          onBlur={() => setActive(null)}
          onMouseLeave={() => setActive(null)}
        >
          <BarCanvas
            categories={categories}
            colors={colors}
            values={values}
            ticks={ticks}
            axisWidth={axisWidth}
            labelEvery={labelEvery}
            height={H}
            active={active}
            formatAxis={formatAxis}
            formatCategory={formatCategory}
            onHover={setActive}
          />
          {grand === 0n ? <p className="muted pointer-events-none absolute inset-x-0 top-16 text-center text-sm">No requests in this range</p> : null}
          {active !== null && categories[active] ? (
            <div
              role="presentation"
              className="pointer-events-none absolute top-0 z-10 min-w-40 rounded-md border border-zinc-200 bg-white p-2 text-xs shadow-lg dark:border-zinc-700 dark:bg-zinc-900"
              style={tooltipSide(axisWidth + band * (active + 0.5), width)}
              data-testid={testId ? `${testId}-tooltip` : undefined}
            >
              <p className="mb-1 font-medium">{formatCategory(categories[active])}</p>
              {series.map((s, j) =>
                values[active]![j] ? (
                  <p key={s.id} className="flex items-center justify-between gap-3">
                    <span className="flex items-center gap-1.5"><span className="h-2 w-2 rounded-sm" style={{ background: s.color }} />{s.label}</span>
                    <span className="tabular-nums">{format(values[active]![j]!)}</span>
                  </p>
                ) : null,
              )}
              <p className="mt-1 flex justify-between gap-3 border-t border-zinc-100 pt-1 font-medium dark:border-zinc-800">
                <span>Total</span>
                <span className="tabular-nums">{format(totals[active]!)}</span>
              </p>
            </div>
          ) : null}
          <p id={liveId} className="sr-only" aria-live="polite">{active !== null && categories[active] ? describe(active) : ""}</p>
        </div>
      )}
      {series.length ? (
        <ul className="mt-2 flex flex-wrap gap-x-4 gap-y-1 text-xs text-zinc-600 dark:text-zinc-400" aria-label="Legend">
          {series.map((s) => (
            <li key={s.id} className="flex items-center gap-1.5"><span className="h-2.5 w-2.5 rounded-sm" style={{ background: s.color }} aria-hidden="true" />{s.label}</li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
