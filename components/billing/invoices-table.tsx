import Link from "next/link";
import { invoiceStatusTone } from "@/components/billing/invoice-document";
import { Badge } from "@/components/ui/badge";
import { Table, Td } from "@/components/ui/table";
import { formatPeriod } from "@/lib/calendar";
import { formatDate, formatMoney } from "@/lib/format";
import type { InvoiceStatus } from "@/lib/generated/prisma/enums";
import { invoiceBalanceCents } from "@/lib/domain/billing/invoice-balance";

export type InvoicesTableRow = {
  id: string;
  number: string | null;
  periodStart: Date;
  status: InvoiceStatus;
  dueAt: Date | null;
  totalCents: number;
  paidCents: number;
  account?: { id: string; name: string };
};

/**
 * Invoices with what is still owed. The customer's list links to /invoices/…, billing's to
 * /billing/invoices/… and names the account.
 */
export function InvoicesTable({
  invoices,
  basePath,
  showAccount = false,
}: {
  invoices: InvoicesTableRow[];
  basePath: "/invoices" | "/billing/invoices";
  showAccount?: boolean;
}) {
  return (
    <Table
      head={[
        "Invoice",
        showAccount && "Account",
        "Month",
        "Status",
        "Due",
        { label: "Total", className: "text-right" },
        { label: "Balance", className: "text-right" },
      ]}
    >
      {invoices.map((i) => (
        <tr key={i.id}>
          <Td>
            <Link className="font-mono text-brand-700 hover:underline" href={`${basePath}/${i.id}`}>
              {i.number ?? "Draft"}
            </Link>
          </Td>
          {showAccount && (
            <Td>
              {i.account && (
                <Link className="hover:underline" href={`/billing/accounts/${i.account.id}`}>
                  {i.account.name}
                </Link>
              )}
            </Td>
          )}
          <Td>{formatPeriod(i.periodStart)}</Td>
          <Td>
            <Badge tone={invoiceStatusTone[i.status]}>{i.status.toLowerCase()}</Badge>
          </Td>
          <Td>{formatDate(i.dueAt)}</Td>
          <Td className="text-right tabular-nums">{formatMoney(i.totalCents)}</Td>
          <Td className="text-right tabular-nums">
            {i.status === "DRAFT" ? <span className="text-zinc-500">draft</span> : formatMoney(invoiceBalanceCents(i))}
          </Td>
        </tr>
      ))}
    </Table>
  );
}
