import type { Metadata } from "next";
import { JailsTable } from "@/components/jails/jails-table";
import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { requireCustomerPage } from "@/lib/auth/session";
import { listJails } from "@/lib/domain/jails/list-jails";
import { page as pageSchema } from "@/lib/schemas/common";

export const metadata: Metadata = { title: "Jails" };

export default async function JailsPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const user = await requireCustomerPage();
  const page = pageSchema.parse((await searchParams).page);
  const list = await listJails({ actor: user.actor, page });
  return (
    <>
      <PageHeader title="Jails" description="Your FreeBSD jails." actions={<LinkButton href="/order">Order a jail</LinkButton>} />
      {list.total === 0 ? (
        <EmptyState
          title="You have no jails yet"
          description="A jail is your own FreeBSD server with root, a hostname and a public address."
          action={<LinkButton href="/order">Order a jail</LinkButton>}
        />
      ) : (
        <>
          <JailsTable jails={list.jails.map((j) => ({ ...j, plan: j.plan.name }))} rowTestId="jail-row" showOrdered />
          <Pagination page={list.page} pageSize={list.pageSize} total={list.total} basePath="/jails" />
        </>
      )}
    </>
  );
}
