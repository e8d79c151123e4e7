import { cn } from "@/components/ui/cn";

/** "Disk 1.2 GB of 4 GB" with a bar that turns amber at 80% and red over the limit. */
export function UsageMeter({
  label,
  used,
  limit,
  format,
  testId,
}: {
  label: string;
  used: number | null;
  limit: number;
  format: (v: number) => string;
  testId?: string;
}) {
  const pct = used === null || limit <= 0 ? 0 : (used / limit) * 100;
  const over = pct > 100;
  return (
    <div data-testid={testId}>
      <div className="flex items-baseline justify-between gap-2 text-sm">
        <span className="font-medium text-zinc-800">{label}</span>
        <span className={cn("tabular-nums", over ? "font-semibold text-red-700" : "text-zinc-600")}>
          {used === null ? "—" : format(used)} of {format(limit)}
        </span>
      </div>
      <div
        className="mt-1.5 h-2 overflow-hidden rounded-full bg-zinc-100"
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={limit}
        aria-valuenow={used ?? 0}
      >
        <div
          className={cn("h-full rounded-full", over ? "bg-red-500" : pct >= 80 ? "bg-amber-500" : "bg-brand-500")}
          style={{ width: `${Math.min(100, pct)}%` }}
        />
      </div>
    </div>
  );
}
