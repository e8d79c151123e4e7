import type { Metadata } from "next";
import Link from "next/link";
import { DecisionForms } from "@/components/billing/decision-forms";
import { UsageChart } from "@/components/billing/usage-chart";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader, DefinitionList } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { requireBillingPage } from "@/lib/auth/session";
import { CASES_PAGE_SIZE, listOverageCases } from "@/lib/domain/billing/list-overage-cases";
import { formatDate, formatMb, formatMoney } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";
import { cn } from "@/components/ui/cn";
import { decideOverageAction } from "../actions";
import { BYTES_PER_MIB } from "@/lib/units";

export const metadata: Metadata = { title: "Overage review" };

const kindLabel = { DISK: "Disk", BANDWIDTH: "Transfer" } as const;

export default async function ReviewsPage({ searchParams }: { searchParams: Promise<{ page?: string; status?: string }> }) {
  const { actor } = await requireBillingPage();
  const params = await searchParams;
  const status = params.status === "grace" ? "GRACE" : "REVIEW";
  const page = pageSchema.parse(params.page);
  const { rows, total } = await listOverageCases({ actor, status, page });
  const tab = (s: "review" | "grace", label: string) => (
    <Link
      href={s === "review" ? "/billing/reviews" : "/billing/reviews?status=grace"}
      aria-current={(s === "grace") === (status === "GRACE") ? "page" : undefined}
      className={cn(
        "rounded-md px-3 py-1.5 text-sm font-medium",
        (s === "grace") === (status === "GRACE") ? "bg-brand-50 text-brand-700" : "text-zinc-600 hover:bg-zinc-100",
      )}
    >
      {label}
    </Link>
  );
  return (
    <>
      <PageHeader
        title="Overage review"
        description="Jails still over their limit when their grace ended. The excess is the peak of the daily maxima during the case (disk) or the largest month's transfer, above the limit, rounded up to 0.1 GB."
      />
      <nav className="mb-4 flex gap-2" aria-label="Case status">
        {tab("review", "In review")}
        {tab("grace", "In grace")}
      </nav>
      {rows.length === 0 ? (
        <EmptyState
          title={status === "REVIEW" ? "Nothing to review" : "No jail is in grace"}
          description={
            status === "REVIEW"
              ? "Cases appear here when a jail is still over its limit at the end of its grace period."
              : "Jails over a limit get a grace period before review."
          }
        />
      ) : (
        <div className="space-y-4" data-testid="case-list">
          {rows.map((c) => {
            const limitBytes = c.limitMb * BYTES_PER_MIB;
            const overDays = c.daysSinceOpened;
            return (
              <Card key={c.id}>
                <article aria-label={`Case ${c.jail.hostname}`} data-testid={`case-${c.id}`}>
                  <CardHeader
                    title={<span className="font-mono">{c.jail.hostname}</span>}
                    description={`${c.account.name} · ${c.account.billingEmail}`}
                    actions={
                      <>
                        <Badge tone={c.kind === "DISK" ? "blue" : "yellow"}>{kindLabel[c.kind]}</Badge>
                        <Badge tone={status === "REVIEW" ? "red" : "yellow"}>{status === "REVIEW" ? "in review" : "in grace"}</Badge>
                      </>
                    }
                  />
                  <CardBody className="grid gap-6 lg:grid-cols-2">
                    <DefinitionList
                      items={[
                        ["Plan", `${c.jail.plan.name} (${formatMoney(c.jail.plan.overagePricePerGbCents)} per GB over)`],
                        ["Limit", formatMb(c.limitMb)],
                        [
                          "Excess",
                          c.excessTenthsGb != null ? (
                            <strong key="x">{(c.excessTenthsGb / 10).toFixed(1)} GB</strong>
                          ) : (
                            "measured when grace ends"
                          ),
                        ],
                        ["Over for", `${overDays} day${overDays === 1 ? "" : "s"} (since ${formatDate(c.openedAt)})`],
                        ["Grace ends", formatDate(c.graceEndsAt)],
                        ["Charge if approved", status === "REVIEW" ? formatMoney(c.proposedCents) : "—"],
                      ]}
                    />
                    <UsageChart
                      points={c.series}
                      limitBytes={limitBytes}
                      label={c.kind === "DISK" ? "Daily peak disk" : "Daily transfer"}
                    />
                  </CardBody>
                  {status === "REVIEW" && (
                    <div className="border-t border-zinc-100 px-5 py-4">
                      <DecisionForms caseId={c.id} action={decideOverageAction} approveLabel={`Approve ${formatMoney(c.proposedCents)}`} />
                    </div>
                  )}
                </article>
              </Card>
            );
          })}
        </div>
      )}
      <Pagination
        page={page}
        pageSize={CASES_PAGE_SIZE}
        total={total}
        basePath="/billing/reviews"
        params={{ status: status === "GRACE" ? "grace" : undefined }}
      />
    </>
  );
}
