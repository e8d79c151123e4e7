import type { Metadata } from "next";
import { Badge } from "@/components/ui/badge";
import { InvoicesTable } from "@/components/billing/invoices-table";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { Table, Td } from "@/components/ui/table";
import { requireCustomerPage } from "@/lib/auth/session";
import { getCustomerBilling } from "@/lib/domain/billing/get-customer-billing";
import { formatDate, formatMb, formatMoney } from "@/lib/format";

export const metadata: Metadata = { title: "Invoices" };

export default async function CustomerInvoicesPage() {
  const user = await requireCustomerPage();
  const { invoices, openCases, balanceCents, creditCents } = await getCustomerBilling({ actor: user.actor });
  const nextDue = invoices
    .filter((i) => i.status === "ISSUED")
    .map((i) => i.dueAt)
    .filter(Boolean)
    .sort()[0];
  return (
    <>
      <PageHeader title="Invoices" description="Your monthly invoices, what is due, and any jail over its plan's limits." />
      <div className="mb-6 grid gap-4 sm:grid-cols-3">
        <Stat
          label="Balance due"
          value={<span data-testid="balance-due">{formatMoney(balanceCents)}</span>}
          hint={nextDue ? `Next due ${formatDate(nextDue)}` : "Nothing is due."}
        />
        <Stat
          label="Credit"
          value={<span data-testid="credit">{formatMoney(creditCents)}</span>}
          hint={creditCents > 0 ? "Applied to your next invoice." : "No credit on the account."}
        />
        <Stat label="Open overage cases" value={openCases.length} />
      </div>
      {openCases.length > 0 && (
        <Card className="mb-6">
          <CardHeader title="Over a limit" description="Back under the limit before grace ends and nothing is charged." />
          <CardBody className="p-0">
            <Table className="rounded-none border-0 shadow-none" head={["Jail", "Limit", "Over since", "Grace ends", "Status"]}>
              {openCases.map((c) => (
                <tr key={c.id}>
                  <Td className="font-mono">{c.jail.hostname}</Td>
                  <Td>
                    {c.kind === "DISK" ? "Disk" : "Transfer"} {formatMb(c.limitMb)}
                  </Td>
                  <Td>{formatDate(c.openedAt)}</Td>
                  <Td>{formatDate(c.graceEndsAt)}</Td>
                  <Td>
                    <Badge tone={c.status === "GRACE" ? "yellow" : "red"}>{c.status === "GRACE" ? "in grace" : "in review"}</Badge>
                  </Td>
                </tr>
              ))}
            </Table>
          </CardBody>
        </Card>
      )}
      {invoices.length === 0 ? (
        <EmptyState title="No invoices yet" description="Your first invoice arrives after the month you order a jail in." />
      ) : (
        <InvoicesTable invoices={invoices} basePath="/invoices" />
      )}
    </>
  );
}
