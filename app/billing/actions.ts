"use server";
// Billing console actions: parse, authorise (billingAction: BILLING or ADMIN), call one domain
// function, refresh the pages that show what changed.
import { revalidatePath } from "next/cache";
import { billingAction } from "@/lib/actions/safe-action";
import { addAccountAdjustment } from "@/lib/domain/billing/add-account-adjustment";
import { parsePeriod } from "@/lib/calendar";
import { decideOverageCase } from "@/lib/domain/billing/decide-overage-case";
import { issueDraftInvoices, issueInvoice } from "@/lib/domain/billing/issue-invoice";
import { recordPayment } from "@/lib/domain/billing/record-payment";
import { runInvoiceRun } from "@/lib/domain/billing/run-invoice-run";
import { suspendAccount } from "@/lib/domain/billing/suspend-account";
import { unsuspendAccount } from "@/lib/domain/billing/unsuspend-account";
import { voidInvoice } from "@/lib/domain/billing/void-invoice";
import { removeTaxRate, setTaxRate } from "@/lib/domain/billing/set-tax-rate";
import { formatMoney } from "@/lib/format";
import {
  adjustmentSchema,
  decideOverageSchema,
  deleteTaxRateSchema,
  taxRateSchema,
  invoiceRunSchema,
  issueInvoiceSchema,
  recordPaymentSchema,
  suspendSchema,
  unsuspendSchema,
  voidInvoiceSchema,
} from "@/lib/schemas/billing";

export const decideOverageAction = billingAction(decideOverageSchema, async (input, { actor }) => {
  const decision =
    input.decision === "APPROVE"
      ? { decision: "APPROVE" as const }
      : input.decision === "WAIVE"
        ? { decision: "WAIVE" as const, reason: input.reason }
        : { decision: "ADJUST" as const, reason: input.reason, amountCents: input.amount };
  const r = await decideOverageCase({ actor, caseId: input.caseId, input: decision });
  revalidatePath("/billing", "layout");
  return { ok: true, message: `Case ${r.status.toLowerCase()}${r.amountCents ? `: ${formatMoney(r.amountCents)}` : ""}.` };
});

export const runInvoiceRunAction = billingAction(invoiceRunSchema, async (input, { actor }) => {
  const r = await runInvoiceRun({ actor, periodStart: parsePeriod(input.period) });
  revalidatePath("/billing", "layout");
  return {
    ok: true,
    message: `Invoice run for ${r.period}: ${r.invoicesCreated} new invoice(s), ${r.linesAdded} new line(s); ${r.invoicesInPeriod} invoice(s) in the month.`,
    values: { period: input.period },
  };
});

export const issueDraftsAction = billingAction(invoiceRunSchema, async (input, { actor }) => {
  const r = await issueDraftInvoices({ actor, periodStart: parsePeriod(input.period) });
  revalidatePath("/billing", "layout");
  return { ok: true, message: `Issued and mailed ${r.issued} invoice(s) for ${input.period}.`, values: { period: input.period } };
});

export const issueInvoiceAction = billingAction(issueInvoiceSchema, async (input, { actor }) => {
  await issueInvoice({ actor, invoiceId: input.invoiceId });
  revalidatePath("/billing", "layout");
  return { ok: true, message: "Invoice issued and mailed." };
});

export const voidInvoiceAction = billingAction(voidInvoiceSchema, async (input, { actor }) => {
  await voidInvoice({ actor, invoiceId: input.invoiceId, reason: input.reason, disposition: input.disposition });
  revalidatePath("/billing", "layout");
  return {
    ok: true,
    message:
      input.disposition === "REBILL"
        ? "Invoice voided. Run its month again to bill its charges on a new invoice."
        : "Invoice voided for good: its charges will not be billed.",
  };
});

export const setTaxRateAction = billingAction(taxRateSchema, async (input, { actor }) => {
  await setTaxRate({ actor, input: { country: input.country, name: input.name, rateBp: input.rate } });
  revalidatePath("/billing/tax");
  return { ok: true, message: `Tax rate for ${input.country} saved.` };
});

export const removeTaxRateAction = billingAction(deleteTaxRateSchema, async (input, { actor }) => {
  await removeTaxRate({ actor, country: input.country });
  revalidatePath("/billing/tax");
  return { ok: true, message: `Tax rate for ${input.country} removed.` };
});

export const recordPaymentAction = billingAction(recordPaymentSchema, async (input, { actor }) => {
  const r = await recordPayment({
    actor,
    input: { invoiceId: input.invoiceId, amountCents: input.amount, method: input.method, reference: input.reference },
  });
  revalidatePath("/billing", "layout");
  return {
    ok: true,
    message: r.balanceCents === 0 ? "Payment recorded. The invoice is paid." : `Payment recorded. Balance: ${formatMoney(r.balanceCents)}.`,
  };
});

export const addAdjustmentAction = billingAction(adjustmentSchema, async (input, { actor }) => {
  await addAccountAdjustment({ actor, input: { accountId: input.accountId, amountCents: input.amount, reason: input.description } });
  revalidatePath("/billing", "layout");
  return {
    ok: true,
    message: input.amount < 0 ? "Credit added: it goes on the next invoice." : "Charge added: it goes on the next invoice.",
  };
});

export const suspendAccountAction = billingAction(suspendSchema, async (input, { actor }) => {
  const r = await suspendAccount({ actor, accountId: input.accountId, reason: input.reason });
  revalidatePath("/billing", "layout");
  return { ok: true, message: `Account suspended; ${r.stopped} jail(s) are being stopped.` };
});

export const unsuspendAccountAction = billingAction(unsuspendSchema, async (input, { actor }) => {
  const r = await unsuspendAccount({ actor, accountId: input.accountId });
  revalidatePath("/billing", "layout");
  return { ok: true, message: `Account active again; ${r.started} jail(s) are being started.` };
});
