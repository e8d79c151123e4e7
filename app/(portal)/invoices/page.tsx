import type { Metadata } from "next";
import Link from "next/link";
import { invoiceStatusTone } from "@/components/billing/invoice-document";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { requireCustomerPage } from "@/lib/auth/session";
import { formatPeriod } from "@/lib/domain/billing/billing-config";
import { getCustomerBilling } from "@/lib/domain/billing/get-customer-billing";
import { formatDate, formatMb, formatMoney } from "@/lib/format";

export const metadata: Metadata = { title: "Invoices" };

export default async function CustomerInvoicesPage() {
  const user = await requireCustomerPage();
  const { invoices, openCases, balanceCents } = await getCustomerBilling(user.accountId);
  const nextDue = invoices.filter((i) => i.status === "ISSUED").map((i) => i.dueAt).filter(Boolean).sort()[0];
  return (
    <>
      <PageHeader title="Invoices" description="Your monthly invoices, what is due, and any jail over its plan's limits." />
      <div className="mb-6 grid gap-4 sm:grid-cols-2">
        <Stat label="Balance due" value={<span data-testid="balance-due">{formatMoney(balanceCents)}</span>} hint={nextDue ? `Next due ${formatDate(nextDue)}` : "Nothing is due."} />
        <Stat label="Open overage cases" value={openCases.length} />
      </div>
      {openCases.length > 0 && (
        <Card className="mb-6">
          <CardHeader title="Over a limit" description="Back under the limit before grace ends and nothing is charged." />
          <CardBody className="p-0">
            <Table className="rounded-none border-0 shadow-none">
              <THead><tr><Th>Jail</Th><Th>Limit</Th><Th>Over since</Th><Th>Grace ends</Th><Th>Status</Th></tr></THead>
              <TBody>
                {openCases.map((c) => (
                  <tr key={c.id}>
                    <Td className="font-mono">{c.jail.hostname}</Td>
                    <Td>{c.kind === "DISK" ? "Disk" : "Transfer"} {formatMb(c.limitMb)}</Td>
                    <Td>{formatDate(c.openedAt)}</Td>
                    <Td>{formatDate(c.graceEndsAt)}</Td>
                    <Td><Badge tone={c.status === "GRACE" ? "yellow" : "red"}>{c.status === "GRACE" ? "in grace" : "in review"}</Badge></Td>
                  </tr>
                ))}
              </TBody>
            </Table>
          </CardBody>
        </Card>
      )}
      {invoices.length === 0 ? (
        <EmptyState title="No invoices yet" description="Your first invoice arrives after the month you order a jail in." />
      ) : (
        <Table>
          <THead><tr><Th>Invoice</Th><Th>Month</Th><Th>Status</Th><Th>Due</Th><Th className="text-right">Total</Th><Th className="text-right">Balance</Th></tr></THead>
          <TBody>
            {invoices.map((i) => (
              <tr key={i.id}>
                <Td><Link className="font-mono text-brand-700 hover:underline" href={`/invoices/${i.id}`}>{i.number}</Link></Td>
                <Td>{formatPeriod(i.periodStart)}</Td>
                <Td><Badge tone={invoiceStatusTone[i.status]}>{i.status.toLowerCase()}</Badge></Td>
                <Td>{formatDate(i.dueAt)}</Td>
                <Td className="text-right tabular-nums">{formatMoney(i.totalCents)}</Td>
                <Td className="text-right tabular-nums">{formatMoney(i.status === "ISSUED" ? i.totalCents - i.paidCents : 0)}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}
    </>
  );
}
