import type { Metadata } from "next";
import Link from "next/link";
import { JailStateBadge } from "@/components/jails/jail-state-badge";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { CUSTOMERS_PAGE_SIZE, searchCustomers } from "@/lib/domain/admin/search-customers";
import { page as pageSchema } from "@/lib/schemas/common";
import { customerQuery } from "@/lib/schemas/admin";

export const metadata: Metadata = { title: "Customers" };

export default async function CustomersPage({ searchParams }: { searchParams: Promise<{ q?: string; page?: string }> }) {
  const { actor } = await requireAdminPage();
  const sp = await searchParams;
  const q = customerQuery.parse(sp.q ?? "");
  const page = pageSchema.parse(sp.page);
  const { rows, hasMore } = await searchCustomers({ actor, q, page });
  return (
    <>
      <PageHeader title="Customers" description="Find an account by e-mail, name, a jail's hostname or an IP address it holds." />
      <form className="mb-4 flex gap-2" role="search" aria-label="Find a customer">
        <input
          name="q"
          defaultValue={q}
          maxLength={254}
          placeholder="e-mail, name, hostname or IP address"
          className="w-96 max-w-full rounded-md border border-zinc-300 px-3 py-1.5 text-sm"
          aria-label="Search customers"
        />
        <button className="rounded-md border border-zinc-300 bg-white px-3 text-sm">Search</button>
      </form>
      {rows.length === 0 ? (
        <EmptyState
          title={q ? "No match" : "No customers yet"}
          description={
            q ? `Nothing matches “${q}”. An IP address matches only while a jail holds it.` : "Accounts appear here when customers sign up."
          }
        />
      ) : (
        <Table head={["Account", "Matched", "Jail", "Status"]}>
          {rows.map((r) => (
            <tr key={`${r.accountId}:${r.jail?.id ?? ""}:${r.matched}`} data-testid="customer-result">
              <Td>
                <Link href={`/admin/customers/${r.accountId}`} className="font-medium text-brand-700 hover:underline">
                  {r.accountName}
                </Link>
                <span className="block text-xs text-zinc-500">{r.billingEmail}</span>
              </Td>
              <Td className="text-xs">
                {q ? (
                  <>
                    <span className="text-zinc-500">{r.matched}</span> <span className="font-mono">{r.value}</span>
                  </>
                ) : (
                  "—"
                )}
              </Td>
              <Td>
                {r.jail ? (
                  <span className="flex items-center gap-2">
                    <Link href={`/admin/jails/${r.jail.id}`} className="text-brand-700 hover:underline">
                      {r.jail.hostname}
                    </Link>
                    <JailStateBadge state={r.jail.state} />
                  </span>
                ) : (
                  <span className="text-zinc-400">—</span>
                )}
              </Td>
              <Td>
                <Badge tone={r.status === "ACTIVE" ? "green" : "red"}>{r.status.toLowerCase()}</Badge>
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination page={page} pageSize={CUSTOMERS_PAGE_SIZE} hasMore={hasMore} basePath="/admin/customers" params={{ q: q || undefined }} />
    </>
  );
}
