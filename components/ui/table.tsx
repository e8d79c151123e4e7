import type { ComponentProps, ReactNode } from "react";
import { cn } from "./cn";

/**
 * One header cell: its label, or its label with classes of its own (e.g. text-right). An empty
 * string is a blank header (an actions column); false, null or undefined leaves the column out.
 */
export type TableHead = string | { label: ReactNode; className?: string } | false | null | undefined;

/** A bordered table that scrolls sideways when narrow: `head` is its header row, children its body rows. */
export function Table({ head, children, className }: { head?: TableHead[]; children: ReactNode; className?: string }) {
  return (
    <div className={cn("overflow-x-auto rounded-lg border border-zinc-200 bg-white shadow-sm", className)}>
      <table className="min-w-full divide-y divide-zinc-200 text-sm">
        {head && (
          <thead className="bg-zinc-50 text-left text-xs font-medium uppercase tracking-wide text-zinc-500">
            <tr>
              {head.map((cell, i) =>
                typeof cell === "string" ? (
                  <Th key={i}>{cell}</Th>
                ) : cell ? (
                  <Th key={i} className={cell.className}>
                    {cell.label}
                  </Th>
                ) : null,
              )}
            </tr>
          </thead>
        )}
        <tbody className="divide-y divide-zinc-100">{children}</tbody>
      </table>
    </div>
  );
}

function Th({ className, ...props }: ComponentProps<"th">) {
  return <th scope="col" className={cn("px-4 py-2.5 font-medium", className)} {...props} />;
}

/** A body cell. */
export function Td({ className, ...props }: ComponentProps<"td">) {
  return <td className={cn("px-4 py-3 align-middle text-zinc-800", className)} {...props} />;
}
