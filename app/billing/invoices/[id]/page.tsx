import type { Metadata } from "next";
import { FieldErrors, SelectField, TextField } from "@/components/forms/fields";
import { FormCard } from "@/components/forms/form-card";
import { InvoiceDocument } from "@/components/billing/invoice-document";
import { buttonClass, LinkButton } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { SubmitButton } from "@/components/ui/submit-button";
import { requireBillingPage } from "@/lib/auth/session";
import { getInvoiceForStaff } from "@/lib/domain/billing/get-invoice";
import { centsToDecimal } from "@/lib/domain/billing/csv";
import { readForPage } from "@/lib/http/page-read";
import { PAYMENT_METHODS } from "@/lib/schemas/billing";
import { formatPeriod } from "@/lib/calendar";
import { issueInvoiceAction, recordPaymentAction, voidInvoiceAction } from "../../actions";

export const metadata: Metadata = { title: "Invoice" };

export default async function StaffInvoicePage({ params }: { params: Promise<{ id: string }> }) {
  const { actor } = await requireBillingPage();
  const invoice = await readForPage((await params).id, (invoiceId) => getInvoiceForStaff({ actor, invoiceId }));
  const balance = invoice.totalCents - invoice.paidCents;
  return (
    <>
      <div className="print:hidden">
        <PageHeader
          title={invoice.number ? `Invoice ${invoice.number}` : "Draft invoice"}
          description={invoice.account.name}
          actions={
            <>
              {/* A plain link: the PDF is a download, not a page for the client router. */}
              <a className={buttonClass("secondary", "md")} href={`/billing/invoices/${invoice.id}/pdf`} download>
                Download PDF
              </a>
              <LinkButton variant="secondary" href={`/billing/accounts/${invoice.account.id}`}>
                Account
              </LinkButton>
            </>
          }
        />
      </div>
      <div className="grid gap-6 lg:grid-cols-3">
        <div className="lg:col-span-2">
          <InvoiceDocument invoice={invoice} />
        </div>
        <div className="space-y-4 print:hidden">
          {invoice.status === "DRAFT" && (
            <FormCard
              title="Issue"
              description="Recomputes its tax from the customer's contact, gives it the next invoice number, freezes it, sets its due date and mails it. Credit above the charges is carried to the next invoice."
              action={issueInvoiceAction}
              aria-label="Issue invoice"
            >
              <input type="hidden" name="invoiceId" value={invoice.id} />
              <SubmitButton pendingLabel="Issuing…">Issue and mail</SubmitButton>
            </FormCard>
          )}
          {invoice.status === "ISSUED" && (
            <FormCard
              title="Record a payment"
              description="Partial payments leave a balance."
              action={recordPaymentAction}
              aria-label="Record payment"
              resetOnSuccess
            >
              <input type="hidden" name="invoiceId" value={invoice.id} />
              <TextField name="amount" label="Amount ($)" inputMode="decimal" defaultValue={centsToDecimal(balance)} />
              <SelectField
                name="method"
                label="Method"
                options={PAYMENT_METHODS.map((m) => ({ value: m, label: m.toLowerCase().replace("_", " ") }))}
              />
              <TextField name="reference" label="Reference" hint="Bank reference, check number…" />
              <SubmitButton pendingLabel="Recording…">Record payment</SubmitButton>
            </FormCard>
          )}
          {(invoice.status === "DRAFT" || (invoice.status === "ISSUED" && invoice.paidCents === 0)) && (
            <FormCard
              title="Void"
              description="For an invoice made in error. Say what becomes of its charges."
              action={voidInvoiceAction}
              aria-label="Void invoice"
            >
              <input type="hidden" name="invoiceId" value={invoice.id} />
              <TextField name="reason" label="Reason" />
              <fieldset className="space-y-2 text-sm">
                <legend className="mb-1 font-medium text-zinc-800">Its charges</legend>
                <label className="flex gap-2">
                  <input type="radio" name="disposition" value="REBILL" defaultChecked />
                  <span>Bill them again: the next run of {formatPeriod(invoice.periodStart)} makes a new invoice</span>
                </label>
                <label className="flex gap-2">
                  <input type="radio" name="disposition" value="FINAL" />
                  <span>Cancel them for good: the month stays unbilled for this account</span>
                </label>
                <FieldErrors name="disposition" />
              </fieldset>
              <SubmitButton variant="danger" pendingLabel="Voiding…">
                Void invoice
              </SubmitButton>
            </FormCard>
          )}
        </div>
      </div>
    </>
  );
}
