import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { listAdminPlans, PLANS_PAGE_SIZE } from "@/lib/domain/plans/list-admin-plans";
import { formatDate, formatMb, formatMoney } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";

export const metadata: Metadata = { title: "Plans" };

export default async function PlansPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const { actor } = await requireAdminPage();
  const page = pageSchema.parse((await searchParams).page);
  const { rows, total } = await listAdminPlans({ actor, page });
  return (
    <>
      <PageHeader
        title="Plans"
        description="What customers can order. A price change applies from the next billing period; a change of limits reaches existing jails once you confirm."
        actions={<LinkButton href="/admin/plans/new">New plan</LinkButton>}
      />
      {rows.length === 0 ? (
        <EmptyState
          title="No plans yet"
          description="Customers can order nothing until there is a plan on sale."
          action={<LinkButton href="/admin/plans/new">New plan</LinkButton>}
        />
      ) : (
        <Table head={["Plan", "Price", "Disk", "Memory", "CPU", "Jails", "Status"]}>
          {rows.map((p) => (
            <tr key={p.id} data-testid={`plan-row-${p.slug}`}>
              <Td>
                <Link href={`/admin/plans/${p.id}`} className="font-medium text-brand-700 hover:underline">
                  {p.name}
                </Link>
                <span className="block font-mono text-xs text-zinc-500">{p.slug}</span>
              </Td>
              <Td className="tabular-nums">
                {formatMoney(p.priceCents)}
                {p.upcomingPrice && (
                  <span className="block text-xs text-zinc-500">
                    {formatMoney(p.upcomingPrice.priceCents)} from {formatDate(p.upcomingPrice.effectiveFrom)}
                  </span>
                )}
              </Td>
              <Td>{formatMb(p.diskQuotaMb)}</Td>
              <Td>{formatMb(p.memoryLimitMb)}</Td>
              <Td>{p.cpuPercent}%</Td>
              <Td>{p.jails}</Td>
              <Td>{p.active ? <Badge tone="green">on sale</Badge> : <Badge tone="gray">retired</Badge>}</Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination page={page} pageSize={PLANS_PAGE_SIZE} total={total} basePath="/admin/plans" />
    </>
  );
}
