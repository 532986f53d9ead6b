"use client";
import { useEffect, useRef } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

// uPlot draws the bars, axes and grid on a canvas; the wrapper (chart-canvas.tsx) owns
// everything people read: the tooltip, the keyboard, the table and the legend. uPlot has no
// stacking of its own, so each series is drawn as the running total up to it, tallest first,
// and each later (shorter) bar covers the one before: what shows of each is its own segment.

interface Props {
  categories: string[];
  colors: string[];
  /** values[category][series], exact integers; drawn as numbers (only pixels depend on them). */
  values: bigint[][];
  /** y-axis grid values; the last one is the top of the scale. */
  ticks: number[];
  axisWidth: number;
  labelEvery: number;
  height: number;
  active: number | null;
  formatAxis: (v: number) => string;
  formatCategory: (c: string) => string;
  onHover: (i: number | null) => void;
}

/** Room right of the plot; the wrapper places its tooltip with the same figure. */
const PAD_RIGHT = 12;
const FONT = "10px ui-sans-serif, system-ui, -apple-system, 'Segoe UI', sans-serif";

export function BarCanvas(p: Props) {
  const box = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const active = useRef<number | null>(null);
  const onHover = useRef(p.onHover);
  useEffect(() => {
    onHover.current = p.onHover;
  }, [p.onHover]);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const n = p.categories.length;
    const s = p.colors.length;
    const running = p.values.map((row) => {
      let acc = 0n;
      return row.map((v) => Number((acc += v)));
    });
    const data: uPlot.AlignedData = [
      p.categories.map((_, i) => i),
      ...Array.from({ length: s }, (_, k) => running.map((r) => r[s - 1 - k] ?? 0)),
    ];

    const build = () => {
      // Axis and grid colours follow the theme: read from the element's own (Tailwind) styles.
      const css = getComputedStyle(el);
      const text = css.color;
      const grid = css.borderColor;
      plot.current?.destroy();
      const fromEnd = p.categories.map((_, i) => i).filter((i) => (n - 1 - i) % p.labelEvery === 0);
      plot.current = new uPlot(
        {
          width: Math.max(240, el.clientWidth),
          height: p.height,
          legend: { show: false },
          padding: [10, PAD_RIGHT, 0, 0],
          cursor: { x: false, y: false, points: { show: false }, drag: { x: false, y: false, setScale: false } },
          scales: { x: { time: false, range: [-0.5, n - 0.5] }, y: { range: [0, p.ticks[p.ticks.length - 1] || 1] } },
          axes: [
            {
              stroke: text,
              font: FONT,
              size: 22,
              gap: 4,
              grid: { show: false },
              ticks: { show: false },
              // Counted from the end, so the latest day always has its label and none collide.
              splits: () => fromEnd,
              values: (_u, splits) => splits.map((i) => p.formatCategory(p.categories[i] ?? "")),
            },
            {
              stroke: text,
              font: FONT,
              size: p.axisWidth,
              gap: 6,
              grid: { stroke: grid, width: 1, dash: [3, 3] },
              ticks: { show: false },
              splits: () => p.ticks,
              values: (_u, splits) => splits.map((v) => p.formatAxis(v)),
            },
          ],
          series: [
            {},
            ...Array.from({ length: s }, (_, k) => {
              const color = p.colors[s - 1 - k]!;
              return {
                stroke: color,
                fill: color,
                width: 0,
                paths: uPlot.paths.bars!({ size: [0.72, 36], gap: 0 }),
                points: { show: false },
              };
            }),
          ],
          hooks: {
            // The hovered or focused day gets a faint column behind its bar.
            drawAxes: [
              (u) => {
                const i = active.current;
                if (i === null) return;
                const x0 = u.valToPos(i - 0.5, "x", true);
                const x1 = u.valToPos(i + 0.5, "x", true);
                u.ctx.save();
                u.ctx.fillStyle = grid;
                u.ctx.globalAlpha = 0.5;
                u.ctx.fillRect(x0, u.bbox.top, x1 - x0, u.bbox.height);
                u.ctx.restore();
              },
            ],
            setCursor: [(u) => onHover.current(u.cursor.idx ?? null)],
          },
        },
        data,
        el,
      );
    };
    build();

    const ro = new ResizeObserver(
      ([e]) => e && plot.current?.setSize({ width: Math.max(240, Math.floor(e.contentRect.width)), height: p.height }),
    );
    ro.observe(el);
    const theme = new MutationObserver(build);
    theme.observe(document.documentElement, { attributes: true, attributeFilter: ["class"] });
    return () => {
      ro.disconnect();
      theme.disconnect();
      plot.current?.destroy();
      plot.current = null;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- rebuilt when the data or layout change; the formatters are stable per chart.
  }, [p.categories, p.colors, p.values, p.ticks, p.axisWidth, p.labelEvery, p.height]);

  useEffect(() => {
    active.current = p.active;
    plot.current?.redraw(false, false);
  }, [p.active]);

  return (
    <div
      ref={box}
      aria-hidden="true"
      className="text-zinc-600 border-zinc-200 dark:text-zinc-400 dark:border-zinc-800"
    />
  );
}
