import type { Metadata } from "next";
import Link from "next/link";
import { Badge } from "@/components/ui/badge";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requireBillingPage } from "@/lib/auth/session";
import { ACCOUNTS_PAGE_SIZE, listBillingAccounts } from "@/lib/domain/billing/list-billing-accounts";
import { formatDate, formatMoney } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";

export const metadata: Metadata = { title: "Accounts" };

const FILTERS = [
  ["all", "All"],
  ["flagged", "Flagged for suspension"],
  ["suspended", "Suspended"],
] as const;

export default async function BillingAccountsPage({ searchParams }: { searchParams: Promise<{ page?: string; filter?: string }> }) {
  const { actor } = await requireBillingPage();
  const params = await searchParams;
  const filter = FILTERS.find(([f]) => f === params.filter)?.[0] ?? "all";
  const page = pageSchema.parse(params.page);
  const { rows, hasMore } = await listBillingAccounts({ actor, filter, page });
  return (
    <>
      <PageHeader
        title="Accounts"
        description="Balances due and suspensions. Accounts with an invoice unpaid past the dunning limit are flagged; suspending stops their jails."
      />
      <nav className="mb-4 flex gap-2" aria-label="Account filter">
        {FILTERS.map(([f, label]) => (
          <Link
            key={f}
            href={f === "all" ? "/billing/accounts" : `/billing/accounts?filter=${f}`}
            aria-current={f === filter ? "page" : undefined}
            className={cn(
              "rounded-md px-3 py-1.5 text-sm font-medium",
              f === filter ? "bg-brand-50 text-brand-700" : "text-zinc-600 hover:bg-zinc-100",
            )}
          >
            {label}
          </Link>
        ))}
      </nav>
      {rows.length === 0 ? (
        <EmptyState title="No accounts here" />
      ) : (
        <Table head={["Account", "Status", "Jails", { label: "Balance due", className: "text-right" }]}>
          {rows.map((a) => (
            <tr key={a.id}>
              <Td>
                <Link className="font-medium text-brand-700 hover:underline" href={`/billing/accounts/${a.id}`}>
                  {a.name}
                </Link>
                <p className="text-xs text-zinc-500">{a.billingEmail}</p>
              </Td>
              <Td>
                <Badge tone={a.status === "ACTIVE" ? "green" : a.status === "SUSPENDED" ? "red" : "gray"}>{a.status.toLowerCase()}</Badge>{" "}
                {a.flaggedForSuspensionAt && a.status === "ACTIVE" && (
                  <Badge tone="yellow">flagged {formatDate(a.flaggedForSuspensionAt)}</Badge>
                )}
              </Td>
              <Td>{a.jails}</Td>
              <Td className="text-right tabular-nums">{formatMoney(a.balanceCents)}</Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination
        page={page}
        pageSize={ACCOUNTS_PAGE_SIZE}
        hasMore={hasMore}
        basePath="/billing/accounts"
        params={{ filter: filter === "all" ? undefined : filter }}
      />
    </>
  );
}
