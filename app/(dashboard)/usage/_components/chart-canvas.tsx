"use client";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import dynamic from "next/dynamic";
import { ChartTooltip } from "./chart-tooltip";
import type { ChartData } from "./stacked-bar-chart";

const H = 200;

// uPlot (23 kB gzip) loads while the daily numbers are fetched, not with the page.
const BarCanvas = dynamic(() => import("./bar-canvas").then((m) => m.BarCanvas), {
  ssr: false,
  loading: () => <div style={{ height: H }} />,
});
/** Room the canvas leaves right of the plot (bar-canvas.tsx pads by the same amount). */
const PAD_RIGHT = 12;

// The chart view of a StackedBarChart: uPlot draws the bars (bar-canvas.tsx); here are the axis
// scale, and the tooltip on hover and on keyboard focus (one tab stop, arrow keys move between
// days, a live region reads the day out).

function niceTicks(max: number): number[] {
  // Nothing to scale: a bare baseline rather than a made-up top value.
  if (max <= 0) return [0];
  const raw = max / 4;
  const p = 10 ** Math.floor(Math.log10(raw));
  const n = raw / p;
  // Values are whole units (micro-USD, requests): a step of 2.5 only where it stays whole.
  const step = Math.max(1, (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 && p >= 10 ? 2.5 : n <= 5 ? 5 : 10) * p);
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(v);
  return ticks;
}

/** Arrow keys move a day, Home and End jump to the ends; other keys are not the chart's. */
function keyStep(key: string, cur: number, last: number): number | null {
  const to: Record<string, number> = { ArrowLeft: cur - 1, ArrowRight: cur + 1, Home: 0, End: last };
  return key in to ? Math.max(0, Math.min(last, to[key]!)) : null;
}

// Beside the bar, on the side with room, so the bar stays visible.
function tooltipSide(cx: number, width: number): React.CSSProperties {
  return cx > width / 2 ? { right: Math.max(0, width - cx + 10) } : { left: cx + 10 };
}

/** The box's width, followed as it resizes. */
function useWidth(box: React.RefObject<HTMLDivElement | null>): number {
  const [width, setWidth] = useState(640);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const ro = new ResizeObserver(([e]) => e && setWidth(Math.max(240, Math.floor(e.contentRect.width))));
    ro.observe(el);
    return () => ro.disconnect();
  }, [box]);
  return width;
}

export function ChartCanvas({ formatAxis, ...d }: ChartData & { formatAxis: (v: number) => string }) {
  const { title, categories, series, values, totals, format, formatCategory } = d;
  const [active, setActive] = useState<number | null>(null);
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const liveId = useId();

  const max = totals.reduce((a, v) => (v > a ? v : a), 0n);
  const ticks = useMemo(() => niceTicks(Number(max)), [max]);
  const colors = useMemo(() => series.map((s) => s.color), [series]);
  const axisWidth = Math.min(88, 12 + Math.max(...ticks.map((t) => formatAxis(t).length)) * 6.5);
  const band = (width - axisWidth - PAD_RIGHT) / Math.max(1, categories.length);
  const labelEvery = Math.max(1, Math.ceil(56 / band));

  const describe = (i: number) =>
    `${formatCategory(categories[i]!)}: ${format(totals[i]!)} total${series.map((s, j) => (values[i]![j] ? `, ${s.label} ${format(values[i]![j]!)}` : "")).join("")}`;

  const onKey = (e: React.KeyboardEvent) => {
    const next = keyStep(e.key, active ?? categories.length - 1, categories.length - 1);
    if (next === null) return;
    e.preventDefault();
    setActive(next);
  };

  return (
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
        values={values}
        formatCategory={formatCategory}
        colors={colors}
        ticks={ticks}
        axisWidth={axisWidth}
        labelEvery={labelEvery}
        height={H}
        active={active}
        formatAxis={formatAxis}
        onHover={setActive}
      />
      {d.grand === 0n ? (
        <p className="muted pointer-events-none absolute inset-x-0 top-16 text-center text-sm">
          No requests in this range
        </p>
      ) : null}
      {active !== null && categories[active] ? (
        <ChartTooltip
          category={formatCategory(categories[active])}
          series={series}
          values={values[active]!}
          total={totals[active]!}
          format={format}
          style={tooltipSide(axisWidth + band * (active + 0.5), width)}
          testId={d.testId ? `${d.testId}-tooltip` : undefined}
        />
      ) : null}
      <p id={liveId} className="sr-only" aria-live="polite">
        {active !== null && categories[active] ? describe(active) : ""}
      </p>
    </div>
  );
}
