import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

/** Renders its children in a two-thirds column and `aside` (a side form, usually) beside them on large screens. */
export function ListWithAside({ children, aside, className }: { children: ReactNode; aside: ReactNode; className?: string }) {
  return (
    <div className={cn("grid gap-6 lg:grid-cols-3", className)}>
      <div className="lg:col-span-2">{children}</div>
      {aside}
    </div>
  );
}
