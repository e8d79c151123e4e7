// The HTTP response both invoice PDF routes send: the PDF as an attachment named after its
// number, never cached (it is one account's private document).
import type { InvoiceWithParties } from "./get-invoice";
import { renderInvoicePdf } from "./render-invoice-pdf";

export async function invoicePdfResponse(invoice: InvoiceWithParties): Promise<Response> {
  const pdf = await renderInvoicePdf(invoice);
  const name = invoice.number ?? `draft-${invoice.id}`;
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="invoice-${name}.pdf"`,
      "Cache-Control": "private, no-store",
    },
  });
}
