// The invoice as the customer receives it: printable HTML (print styles hide the app frame's
// navigation via the `print:hidden` classes on the page around it). The PDF
// (lib/domain/billing/render-invoice-pdf.ts) lays out the same parts from the same view.
import { Badge, type BadgeTone } from "@/components/ui/badge";
import { formatDate, formatMoney } from "@/lib/format";
import { invoiceClosingLine } from "@/lib/domain/billing/invoice-balance";
import { REVERSE_CHARGE_WORDING } from "@/lib/domain/billing/tax-rules";
import type { InvoiceWithParties } from "@/lib/domain/billing/get-invoice";

export type InvoiceView = Pick<
  InvoiceWithParties,
  | "number"
  | "status"
  | "periodStart"
  | "periodEnd"
  | "issuedAt"
  | "dueAt"
  | "totalCents"
  | "paidCents"
  | "taxCents"
  | "taxTreatment"
  | "voidDisposition"
  | "voidReason"
  | "billTo"
  | "issuer"
  | "lines"
  | "payments"
>;

export const invoiceStatusTone: Record<InvoiceView["status"], BadgeTone> = {
  DRAFT: "gray",
  ISSUED: "yellow",
  PAID: "green",
  VOID: "neutral",
};
export const lineKindLabel: Record<string, string> = {
  PLAN_FEE: "Plan",
  OVERAGE: "Overage",
  CREDIT: "Credit",
  ADJUSTMENT: "Charge",
  TAX: "Tax",
  CREDIT_BROUGHT: "Credit",
  CREDIT_CARRIED: "Credit",
};

export function InvoiceDocument({ invoice }: { invoice: InvoiceView }) {
  const closing = invoiceClosingLine(invoice);
  const month = new Date(invoice.periodStart).toLocaleDateString("en-GB", { month: "long", year: "numeric", timeZone: "UTC" });
  const items = invoice.lines.filter((l) => l.kind !== "TAX" && l.kind !== "CREDIT_CARRIED");
  const tax = invoice.lines.filter((l) => l.kind === "TAX");
  const carried = invoice.lines.filter((l) => l.kind === "CREDIT_CARRIED");
  const subtotal = items.reduce((s, l) => s + l.amountCents, 0);
  const b = invoice.billTo;
  return (
    <article
      className="rounded-lg border border-zinc-200 bg-white p-8 shadow-sm print:border-0 print:p-0 print:shadow-none"
      data-testid="invoice"
    >
      {invoice.status === "DRAFT" && (
        <p className="mb-4 rounded-md bg-zinc-100 px-3 py-2 text-sm font-medium text-zinc-700" data-testid="draft-notice">
          Draft — not issued yet. Lines may still be added until it is issued; the customer cannot see it.
        </p>
      )}
      {invoice.status === "VOID" && (
        <p className="mb-4 rounded-md bg-zinc-100 px-3 py-2 text-sm text-zinc-700" data-testid="void-notice">
          Void{invoice.voidDisposition === "REBILL" ? " — its charges are billed again on a new invoice" : " — its charges are cancelled"}
          {invoice.voidReason ? `: ${invoice.voidReason}` : "."}
        </p>
      )}
      <header className="flex flex-wrap items-start justify-between gap-6 border-b border-zinc-200 pb-6">
        <div className="text-sm text-zinc-600">
          <p className="text-lg font-semibold text-zinc-900">{invoice.issuer.name}</p>
          {invoice.issuer.addressLines.map((l) => (
            <p key={l}>{l}</p>
          ))}
          {invoice.issuer.vatId && <p>VAT number {invoice.issuer.vatId}</p>}
        </div>
        <div className="text-right">
          <h2 className="text-xl font-semibold text-zinc-900">{invoice.number ? `Invoice ${invoice.number}` : "Draft invoice"}</h2>
          <p className="mt-1 text-sm text-zinc-600">{month}</p>
          <p className="mt-2">
            <Badge tone={invoiceStatusTone[invoice.status]}>{invoice.status.toLowerCase()}</Badge>
          </p>
        </div>
      </header>
      <section className="grid gap-6 border-b border-zinc-200 py-6 sm:grid-cols-2">
        <div className="text-sm text-zinc-700" data-testid="bill-to">
          <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">Billed to</p>
          <p className="mt-1 font-medium text-zinc-900">{b.name}</p>
          <p>{b.addressLine1}</p>
          {b.addressLine2 && <p>{b.addressLine2}</p>}
          <p>
            {b.postalCode} {b.city}, {b.country}
          </p>
          <p>{b.billingEmail}</p>
          {b.vatNumber && <p>VAT number {b.vatNumber}</p>}
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
          {items.map((l) => (
            <tr key={l.id} data-kind={l.kind}>
              <td className="py-2 pr-4 text-zinc-500">{lineKindLabel[l.kind] ?? l.kind}</td>
              <td className="py-2 pr-4 text-zinc-900">{l.description}</td>
              <td className="py-2 pr-4 text-right tabular-nums">
                {Number(String(l.quantity)).toLocaleString("en-US", { maximumFractionDigits: 4 })}
              </td>
              <td className="py-2 pr-4 text-right tabular-nums">{formatMoney(l.unitCents)}</td>
              <td className="whitespace-nowrap py-2 text-right tabular-nums">{formatMoney(l.amountCents)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot className="border-t-2 border-zinc-300">
          {tax.length > 0 && (
            <tr>
              <td colSpan={4} className="py-1 pr-4 text-right">
                Subtotal
              </td>
              <td className="py-1 text-right tabular-nums" data-testid="invoice-subtotal">
                {formatMoney(subtotal)}
              </td>
            </tr>
          )}
          {tax.map((l) => (
            <tr key={l.id} data-kind="TAX">
              <td colSpan={4} className="py-1 pr-4 text-right">
                {l.description} of {formatMoney(l.unitCents)}
              </td>
              <td className="py-1 text-right tabular-nums" data-testid="invoice-tax">
                {formatMoney(l.amountCents)}
              </td>
            </tr>
          ))}
          {carried.map((l) => (
            <tr key={l.id} data-kind={l.kind}>
              <td colSpan={4} className="py-1 pr-4 text-right">
                {l.description}
              </td>
              <td className="py-1 text-right tabular-nums">{formatMoney(l.amountCents)}</td>
            </tr>
          ))}
          <tr className="font-medium">
            <td colSpan={4} className="py-2 pr-4 text-right">
              Total
            </td>
            <td className="py-2 text-right tabular-nums" data-testid="invoice-total">
              {formatMoney(invoice.totalCents)}
            </td>
          </tr>
          {invoice.payments.map((p) => (
            <tr key={p.id} className="text-zinc-600">
              <td colSpan={4} className="py-1 pr-4 text-right">
                Paid {formatDate(p.receivedAt)} by {p.method.toLowerCase().replace("_", " ")}
                {p.reference ? ` (${p.reference})` : ""}
              </td>
              <td className="whitespace-nowrap py-1 text-right tabular-nums">−{formatMoney(p.amountCents)}</td>
            </tr>
          ))}
          <tr className="font-medium">
            <td colSpan={4} className="py-2 pr-4 text-right">
              {closing.label}
            </td>
            <td className="py-2 text-right tabular-nums" data-testid={`invoice-${closing.key}`}>
              {formatMoney(closing.cents)}
            </td>
          </tr>
        </tfoot>
      </table>
      {invoice.taxTreatment === "REVERSE_CHARGE" && (
        <p className="mt-6 text-sm text-zinc-700" data-testid="reverse-charge">
          {REVERSE_CHARGE_WORDING}
        </p>
      )}
    </article>
  );
}
