import type { Metadata } from "next";
import { InvoiceDocument } from "@/components/billing/invoice-document";
import { PrintButton } from "@/components/billing/print-button";
import { buttonClass, LinkButton } from "@/components/ui/button";
import { requireCustomerPage } from "@/lib/auth/session";
import { getInvoiceForCustomer } from "@/lib/domain/billing/get-invoice";
import { readForPage } from "@/lib/http/page-read";

export const metadata: Metadata = { title: "Invoice" };

export default async function CustomerInvoicePage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireCustomerPage();
  // Scoped by the caller's account in the query: another account's invoice is "not found".
  const invoice = await readForPage((await params).id, (invoiceId) => getInvoiceForCustomer({ actor: user.actor, invoiceId }));
  return (
    <>
      {/* Printing the invoice prints the invoice, not the portal around it. */}
      <style>
        {
          "@media print { aside, header, [data-testid=overage-banner] { display: none !important } main { max-width: none !important; padding: 0 !important } }"
        }
      </style>
      <div className="mb-4 flex justify-between print:hidden">
        <LinkButton variant="secondary" href="/invoices">
          All invoices
        </LinkButton>
        <span className="flex gap-2">
          {/* A plain link: the PDF is a download, not a page for the client router. */}
          <a className={buttonClass("secondary", "md")} href={`/invoices/${invoice.id}/pdf`} download>
            Download PDF
          </a>
          <PrintButton />
        </span>
      </div>
      <InvoiceDocument invoice={invoice} />
    </>
  );
}
