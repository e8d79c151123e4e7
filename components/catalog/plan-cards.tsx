import Link from "next/link";
import { buttonClass } from "@/components/ui/button-styles";
import { formatDate, formatMb, formatMoney } from "@/lib/format";

export type PlanCardData = {
  id: string;
  slug: string;
  name: string;
  description: string;
  priceCents: number;
  diskQuotaMb: number;
  memoryLimitMb: number;
  maxProcesses: number;
  cpuPercent: number;
  bandwidthGb: number;
  overagePricePerGbCents: number;
  /** A price change already decided, from the start of a billing period. */
  upcomingPrice?: { priceCents: number; effectiveFrom: Date } | null;
};

/** The plans side by side, each with the same rows so they compare at a glance. */
export function PlanCards({ plans, orderHref }: { plans: PlanCardData[]; orderHref: (slug: string) => string }) {
  return (
    <div className="grid gap-6 md:grid-cols-3" data-testid="plan-cards">
      {plans.map((p, i) => (
        <div
          key={p.id}
          className={`flex flex-col rounded-xl border bg-white p-6 shadow-sm ${i === 1 ? "border-brand-500 ring-1 ring-brand-500" : "border-zinc-200"}`}
          data-testid={`plan-${p.slug}`}
        >
          <h3 className="text-lg font-semibold text-zinc-900">{p.name}</h3>
          <p className="mt-1 min-h-10 text-sm text-zinc-500">{p.description}</p>
          <p className="mt-4">
            <span className="text-3xl font-semibold tracking-tight text-zinc-900">{formatMoney(p.priceCents)}</span>
            <span className="text-sm text-zinc-500"> / month</span>
          </p>
          {p.upcomingPrice && (
            <p className="mt-1 text-xs text-zinc-500" data-testid={`plan-${p.slug}-upcoming`}>
              {formatMoney(p.upcomingPrice.priceCents)} / month from {formatDate(p.upcomingPrice.effectiveFrom)}
            </p>
          )}
          <dl className="mt-6 space-y-2 text-sm">
            {[
              ["Disk", formatMb(p.diskQuotaMb)],
              ["Process space (memory)", formatMb(p.memoryLimitMb)],
              ["Processes", `${p.maxProcesses}`],
              ["CPU", `${p.cpuPercent}% of a core`],
              ["Transfer", `${p.bandwidthGb} GB / month`],
              ["Over quota", `${formatMoney(p.overagePricePerGbCents)} per GB, after a month's grace`],
            ].map(([k, v]) => (
              <div key={k} className="flex justify-between gap-4 border-b border-zinc-100 pb-2">
                <dt className="text-zinc-500">{k}</dt>
                <dd className="text-right font-medium text-zinc-900">{v}</dd>
              </div>
            ))}
          </dl>
          <Link href={orderHref(p.slug)} className={buttonClass(i === 1 ? "primary" : "secondary", "md", "mt-6 w-full")}>
            Order {p.name}
          </Link>
        </div>
      ))}
    </div>
  );
}
