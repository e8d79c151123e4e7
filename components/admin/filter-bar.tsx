// A GET form of filters over a list: selects and a search box that keep their values in the URL.
import Link from "next/link";
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";

export const filterSelectClass = "rounded-md border border-zinc-300 bg-white px-2 py-1.5 text-sm";

export function FilterBar({ children, clearHref, active }: { children: ReactNode; clearHref: string; active: boolean }) {
  return (
    <form className="mb-4 flex flex-wrap items-center gap-2" role="search">
      {children}
      <button className="h-8 rounded-md border border-zinc-300 bg-white px-3 text-sm">Filter</button>
      {active && (
        <Link href={clearHref} className="text-sm text-brand-600">
          Clear
        </Link>
      )}
    </form>
  );
}

/** A filter's select: "any" (an empty value) first, then the options; it shows the value in the URL. */
export function FilterSelect({
  name,
  label,
  value,
  options,
  anyLabel,
  className,
}: {
  name: string;
  label: string;
  value: string | undefined;
  options: Array<{ value: string; label: string }>;
  anyLabel: string;
  className?: string;
}) {
  return (
    <select name={name} defaultValue={value ?? ""} className={cn(filterSelectClass, className)} aria-label={label}>
      <option value="">{anyLabel}</option>
      {options.map((o) => (
        <option key={o.value} value={o.value}>
          {o.label}
        </option>
      ))}
    </select>
  );
}
