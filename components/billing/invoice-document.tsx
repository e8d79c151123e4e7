// The invoice as the customer receives it: printable HTML (print styles hide the app frame's
// navigation via the `print:hidden` classes on the page around it).
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { formatDate, formatMoney } from "@/lib/format";
import { invoiceBalanceCents } from "@/lib/domain/billing/invoice-balance";

type Line = { id: string; kind: string; description: string; quantity: unknown; unitCents: number; amountCents: number };
type Payment = { id: string; amountCents: number; method: string; reference: string; receivedAt: Date };
export type InvoiceView = {
  number: string;
  status: "DRAFT" | "ISSUED" | "PAID" | "VOID";
  periodStart: Date;
  periodEnd: Date;
  issuedAt: Date | null;
  dueAt: Date | null;
  totalCents: number;
  paidCents: number;
  account: {
    name: string;
    billingEmail: string;
    addressLine1: string;
    addressLine2: string | null;
    city: string;
    postalCode: string;
    country: string;
  };
  lines: Line[];
  payments: Payment[];
};

export const invoiceStatusTone: Record<InvoiceView["status"], BadgeTone> = {
  DRAFT: "gray",
  ISSUED: "yellow",
  PAID: "green",
  VOID: "neutral",
};
const kindLabel: Record<string, string> = { PLAN_FEE: "Plan", OVERAGE: "Overage", CREDIT: "Credit", ADJUSTMENT: "Charge" };

export function InvoiceDocument({ invoice }: { invoice: InvoiceView }) {
  const balance = invoiceBalanceCents(invoice);
  const month = new Date(invoice.periodStart).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  return (
    <article
      className="rounded-lg border border-zinc-200 bg-white p-8 shadow-sm print:border-0 print:p-0 print:shadow-none"
      data-testid="invoice"
    >
      <header className="flex flex-wrap items-start justify-between gap-6 border-b border-zinc-200 pb-6">
        <div>
          <p className="text-lg font-semibold text-zinc-900">Cellblock</p>
          <p className="text-sm text-zinc-500">Jail hosting</p>
        </div>
        <div className="text-right">
          <h2 className="text-xl font-semibold text-zinc-900">Invoice {invoice.number}</h2>
          <p className="mt-1 text-sm text-zinc-600">{month}</p>
          <p className="mt-2">
            <Badge tone={invoiceStatusTone[invoice.status]}>{invoice.status.toLowerCase()}</Badge>
          </p>
        </div>
      </header>
      <section className="grid gap-6 border-b border-zinc-200 py-6 sm:grid-cols-2">
        <div className="text-sm text-zinc-700">
          <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">Billed to</p>
          <p className="mt-1 font-medium text-zinc-900">{invoice.account.name}</p>
          <p>{invoice.account.addressLine1}</p>
          {invoice.account.addressLine2 && <p>{invoice.account.addressLine2}</p>}
          <p>
            {invoice.account.postalCode} {invoice.account.city}, {invoice.account.country}
          </p>
          <p>{invoice.account.billingEmail}</p>
        </div>
        <dl className="grid grid-cols-2 gap-y-1 text-sm sm:text-right">
          <dt className="text-zinc-500">Period</dt>
          <dd className="whitespace-nowrap">
            {formatDate(invoice.periodStart)} – {formatDate(new Date(invoice.periodEnd.getTime() - 1))}
          </dd>
          <dt className="text-zinc-500">Issued</dt>
          <dd>{formatDate(invoice.issuedAt)}</dd>
          <dt className="text-zinc-500">Due</dt>
          <dd>{formatDate(invoice.dueAt)}</dd>
        </dl>
      </section>
      <table className="mt-6 w-full text-sm" data-testid="invoice-lines">
        <thead className="text-left text-xs uppercase tracking-wide text-zinc-500">
          <tr>
            <th className="py-2 pr-4 font-medium">Item</th>
            <th className="py-2 pr-4 font-medium">Description</th>
            <th className="py-2 pr-4 text-right font-medium">Qty</th>
            <th className="py-2 pr-4 text-right font-medium">Unit</th>
            <th className="py-2 text-right font-medium">Amount</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-zinc-100">
          {invoice.lines.map((l) => (
            <tr key={l.id} data-kind={l.kind}>
              <td className="py-2 pr-4 text-zinc-500">{kindLabel[l.kind] ?? l.kind}</td>
              <td className="py-2 pr-4 text-zinc-900">{l.description}</td>
              <td className="py-2 pr-4 text-right tabular-nums">
                {Number(String(l.quantity)).toLocaleString("en-US", { maximumFractionDigits: 4 })}
              </td>
              <td className="py-2 pr-4 text-right tabular-nums">{formatMoney(l.unitCents)}</td>
              <td className="whitespace-nowrap py-2 text-right tabular-nums">{formatMoney(l.amountCents)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot className="border-t-2 border-zinc-300 font-medium">
          <tr>
            <td colSpan={4} className="py-2 pr-4 text-right">
              Total
            </td>
            <td className="py-2 text-right tabular-nums" data-testid="invoice-total">
              {formatMoney(invoice.totalCents)}
            </td>
          </tr>
          {invoice.payments.map((p) => (
            <tr key={p.id} className="font-normal text-zinc-600">
              <td colSpan={4} className="py-1 pr-4 text-right">
                Paid {formatDate(p.receivedAt)} by {p.method.toLowerCase().replace("_", " ")}
                {p.reference ? ` (${p.reference})` : ""}
              </td>
              <td className="whitespace-nowrap py-1 text-right tabular-nums">−{formatMoney(p.amountCents)}</td>
            </tr>
          ))}
          {invoice.status !== "VOID" && (
            <tr>
              <td colSpan={4} className="py-2 pr-4 text-right">
                Balance due
              </td>
              <td className="py-2 text-right tabular-nums" data-testid="invoice-balance">
                {formatMoney(balance)}
              </td>
            </tr>
          )}
        </tfoot>
      </table>
    </article>
  );
}
