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
import { staffActor } from "@/lib/domain/billing/staff-actor";
import { suspendAccount } from "@/lib/domain/billing/suspend-account";
import { unsuspendAccount } from "@/lib/domain/billing/unsuspend-account";
import { voidInvoice } from "@/lib/domain/billing/void-invoice";
import { formatMoney } from "@/lib/format";
import {
  adjustmentSchema,
  decideOverageSchema,
  invoiceRunSchema,
  issueInvoiceSchema,
  recordPaymentSchema,
  suspendSchema,
  unsuspendSchema,
  voidInvoiceSchema,
} from "@/lib/schemas/billing";

export const decideOverageAction = billingAction(decideOverageSchema, async (input, { user }) => {
  const decision =
    input.decision === "APPROVE"
      ? { decision: "APPROVE" as const }
      : input.decision === "WAIVE"
        ? { decision: "WAIVE" as const, reason: input.reason }
        : { decision: "ADJUST" as const, reason: input.reason, amountCents: input.amount };
  const r = await decideOverageCase(input.caseId, decision, staffActor(user), new Date());
  revalidatePath("/billing", "layout");
  return { ok: true, message: `Case ${r.status.toLowerCase()}${r.amountCents ? `: ${formatMoney(r.amountCents)}` : ""}.` };
});

export const runInvoiceRunAction = billingAction(invoiceRunSchema, async (input, { user }) => {
  const r = await runInvoiceRun(parsePeriod(input.period), { kind: "user", ...staffActor(user) }, new Date());
  revalidatePath("/billing", "layout");
  return {
    ok: true,
    message: `Invoice run for ${r.period}: ${r.invoicesCreated} new invoice(s), ${r.linesAdded} new line(s); ${r.invoicesInPeriod} invoice(s) in the month.`,
    values: { period: input.period },
  };
});

export const issueDraftsAction = billingAction(invoiceRunSchema, async (input, { user }) => {
  const r = await issueDraftInvoices(parsePeriod(input.period), staffActor(user), new Date());
  revalidatePath("/billing", "layout");
  return { ok: true, message: `Issued and mailed ${r.issued} invoice(s) for ${input.period}.`, values: { period: input.period } };
});

export const issueInvoiceAction = billingAction(issueInvoiceSchema, async (input, { user }) => {
  await issueInvoice(input.invoiceId, staffActor(user), new Date());
  revalidatePath("/billing", "layout");
  return { ok: true, message: "Invoice issued and mailed." };
});

export const voidInvoiceAction = billingAction(voidInvoiceSchema, async (input, { user }) => {
  await voidInvoice(input.invoiceId, input.reason, staffActor(user), new Date());
  revalidatePath("/billing", "layout");
  return { ok: true, message: "Invoice voided." };
});

export const recordPaymentAction = billingAction(recordPaymentSchema, async (input, { user }) => {
  const r = await recordPayment(
    { invoiceId: input.invoiceId, amountCents: input.amount, method: input.method, reference: input.reference },
    staffActor(user),
    new Date(),
  );
  revalidatePath("/billing", "layout");
  return {
    ok: true,
    message: r.balanceCents === 0 ? "Payment recorded. The invoice is paid." : `Payment recorded. Balance: ${formatMoney(r.balanceCents)}.`,
  };
});

export const addAdjustmentAction = billingAction(adjustmentSchema, async (input, { user }) => {
  await addAccountAdjustment(
    { accountId: input.accountId, amountCents: input.amount, reason: input.description },
    staffActor(user),
    new Date(),
  );
  revalidatePath("/billing", "layout");
  return {
    ok: true,
    message: input.amount < 0 ? "Credit added: it goes on the next invoice." : "Charge added: it goes on the next invoice.",
  };
});

export const suspendAccountAction = billingAction(suspendSchema, async (input, { user }) => {
  const r = await suspendAccount(input.accountId, input.reason, staffActor(user), new Date());
  revalidatePath("/billing", "layout");
  return { ok: true, message: `Account suspended; ${r.stopped} jail(s) are being stopped.` };
});

export const unsuspendAccountAction = billingAction(unsuspendSchema, async (input, { user }) => {
  const r = await unsuspendAccount(input.accountId, staffActor(user), new Date());
  revalidatePath("/billing", "layout");
  return { ok: true, message: `Account active again; ${r.started} jail(s) are being started.` };
});
