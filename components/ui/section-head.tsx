import type { ReactNode } from "react";

/**
 * A dashboard section's heading row: title (h2, which the section is labelled by) with a line
 * under it, and the section's action (export, sign out…) on the right.
 */
export function SectionHead({
  id,
  title,
  description,
  action,
  className = "",
}: {
  id: string;
  title: string;
  description: ReactNode;
  action: ReactNode;
  className?: string;
}) {
  return (
    <div className={`flex flex-wrap items-end justify-between gap-3 ${className}`}>
      <div>
        <h2 id={id} className="text-lg font-semibold">
          {title}
        </h2>
        {description}
      </div>
      {action}
    </div>
  );
}
