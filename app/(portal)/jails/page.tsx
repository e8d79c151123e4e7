import type { Metadata } from "next";
import Link from "next/link";
import { JailStateBadge } from "@/components/jails/jail-state-badge";
import { LinkButton } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { requireCustomerPage } from "@/lib/auth/session";
import { listJails } from "@/lib/domain/jails/list-jails";
import { formatDate } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";

export const metadata: Metadata = { title: "Jails" };

export default async function JailsPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const user = await requireCustomerPage();
  const page = pageSchema.parse((await searchParams).page);
  const list = await listJails(user.accountId, { page });
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
          <Table>
            <THead>
              <tr>
                <Th>Hostname</Th>
                <Th>Status</Th>
                <Th>Public address</Th>
                <Th>Plan</Th>
                <Th>Ordered</Th>
              </tr>
            </THead>
            <TBody>
              {list.jails.map((j) => (
                <tr key={j.id} data-testid="jail-row">
                  <Td>
                    <Link href={`/jails/${j.id}`} className="font-medium text-brand-700 hover:underline">
                      {j.hostname}
                    </Link>
                  </Td>
                  <Td>
                    <JailStateBadge state={j.state} />
                    {j.inProgress && <span className="ml-2 text-xs text-zinc-500">{j.inProgress}…</span>}
                  </Td>
                  <Td className="font-mono">{j.publicIp ?? "—"}</Td>
                  <Td>{j.plan.name}</Td>
                  <Td>{formatDate(j.createdAt)}</Td>
                </tr>
              ))}
            </TBody>
          </Table>
          <Pagination page={list.page} pageSize={list.pageSize} total={list.total} basePath="/jails" />
        </>
      )}
    </>
  );
}
