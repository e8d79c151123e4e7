import type { Metadata } from "next";
import Link from "next/link";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { PlanForm } from "@/components/admin/plan-form";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { getAdminPlan } from "@/lib/domain/plans/list-admin-plans";
import { readForPage } from "@/lib/http/page-read";
import { formatMoneyInput } from "@/lib/schemas/money";
import { formatDate, formatMoney } from "@/lib/format";
import { reinstatePlanAction, retirePlanAction, updatePlanAction } from "../actions";

export const metadata: Metadata = { title: "Plan" };

export default async function PlanPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ created?: string }>;
}) {
  const { actor } = await requireAdminPage();
  const { plan, liveJails, reached, upcoming, nextPeriodStarts } = await readForPage((await params).id, (planId) =>
    getAdminPlan({ actor, planId }),
  );
  const created = (await searchParams).created === "1";
  const now = new Date();
  return (
    <>
      <PageHeader
        title={plan.name}
        description={<span className="font-mono">{plan.slug}</span>}
        actions={plan.active ? <Badge tone="green">on sale</Badge> : <Badge tone="gray">retired</Badge>}
      />
      {created && (
        <Alert tone="success" className="mb-4">
          Plan created and on sale.
        </Alert>
      )}
      <Card className="mb-6">
        <CardHeader title="Price" />
        <CardBody className="space-y-2 text-sm">
          <p data-testid="plan-price-now">
            <strong>{formatMoney(plan.priceCents)}</strong> a month now: what new customers see and pay this month.
          </p>
          {upcoming ? (
            <p data-testid="plan-price-upcoming">
              <strong>{formatMoney(upcoming.priceCents)}</strong> a month from {formatDate(upcoming.effectiveFrom)} — for every jail on the
              plan, new and existing. The list price changes on that date.
            </p>
          ) : (
            <p className="text-zinc-500">
              A new price applies from the next billing period ({formatDate(nextPeriodStarts)}). The current month, the part of it already
              passed and every issued invoice keep the price in force now; the list price changes on that date too.
            </p>
          )}
        </CardBody>
      </Card>
      <Card className="mb-6">
        <CardHeader
          title="Edit"
          description={`${liveJails} jail${liveJails === 1 ? " is" : "s are"} on this plan; a change of limits would reach ${reached} (those installed or being installed).`}
        />
        <CardBody>
          <PlanForm
            action={updatePlanAction}
            planId={plan.id}
            initial={{
              name: plan.name,
              description: plan.description,
              price: formatMoneyInput(upcoming?.priceCents ?? plan.priceCents),
              diskQuotaMb: plan.diskQuotaMb,
              memoryLimitMb: plan.memoryLimitMb,
              maxProcesses: plan.maxProcesses,
              cpuPercent: plan.cpuPercent,
              bandwidthGb: plan.bandwidthGb,
              overagePrice: formatMoneyInput(plan.overagePricePerGbCents),
              sortOrder: plan.sortOrder,
            }}
          />
        </CardBody>
      </Card>
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Price history" description="What the invoice run bills each period at." />
          <CardBody>
            <Table head={["From", { label: "Price", className: "text-right" }]}>
              {plan.prices.map((p) => (
                <tr key={p.id} data-testid="plan-price-row">
                  <Td>
                    {p.effectiveFrom.getTime() === 0 ? "the beginning" : formatDate(p.effectiveFrom)}
                    {p.effectiveFrom > now && (
                      <Badge tone="blue" className="ml-2">
                        scheduled
                      </Badge>
                    )}
                  </Td>
                  <Td className="text-right tabular-nums">{formatMoney(p.priceCents)}</Td>
                </tr>
              ))}
            </Table>
          </CardBody>
        </Card>
        <Card>
          <CardHeader title={plan.active ? "Retire" : "Put back on sale"} />
          <CardBody className="space-y-3 text-sm">
            {plan.active ? (
              <ConfirmAction
                action={retirePlanAction}
                fields={{ planId: plan.id }}
                label="Retire plan"
                confirmLabel="Retire"
                question={`No new orders of ${plan.name}, and no customer can move to it. The ${liveJails} jail(s) on it keep it and its price.`}
              />
            ) : (
              <ConfirmAction
                action={reinstatePlanAction}
                fields={{ planId: plan.id }}
                label="Put back on sale"
                confirmLabel="Put on sale"
                variant="primary"
                question={`Customers can order ${plan.name} again.`}
              />
            )}
            <p>
              <Link href={`/admin/jails?planId=${plan.id}`} className="text-brand-700 hover:underline">
                Jails on this plan →
              </Link>
            </p>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
