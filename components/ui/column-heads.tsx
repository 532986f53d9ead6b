import type { ReactNode } from "react";

// One header row for the dashboard's tables: every head is a column header (scope="col", for
// screen readers reading a cell's column), medium weight; each gives its own padding and alignment.

/** A column's label and its classes (padding, alignment, visibility). */
export type Head = readonly [label: ReactNode, className: string];

export function ColumnHeads({ heads }: { heads: readonly Head[] }) {
  return (
    <tr>
      {heads.map(([label, className], i) => (
        <th key={i} scope="col" className={`${className} font-medium`}>
          {label}
        </th>
      ))}
    </tr>
  );
}

/** A time column's label naming the zone its times are shown in ("Time (Europe/Berlin)"). */
export function zoned(label: string, zone: string | undefined): ReactNode {
  if (!zone) return label;
  return (
    <>
      {label} <span className="font-normal normal-case tracking-normal">({zone})</span>
    </>
  );
}
