// Forms of the billing console. Every amount goes through the one money parser
// (lib/schemas/money.ts) and is bounded by what its column and its meaning allow.
import { z } from "zod";
import { id, text } from "./common";
import { moneyField } from "./money";

/** Largest credit, one-off charge or overage adjustment a clerk may enter: $10,000.00 either way. */
export const MAX_ADJUSTMENT_CENTS = 1_000_000;
/** Largest single payment: $1,000,000.00 (the invoice's balance is the real limit, checked in the domain). */
export const MAX_PAYMENT_CENTS = 100_000_000;

export const periodSchema = z
  .string()
  .trim()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "Pick a month (YYYY-MM).");

export const decideOverageSchema = z.discriminatedUnion("decision", [
  z.object({ caseId: id, decision: z.literal("APPROVE") }),
  z.object({ caseId: id, decision: z.literal("WAIVE"), reason: text("Reason", 500, 3) }),
  z.object({
    caseId: id,
    decision: z.literal("ADJUST"),
    reason: text("Reason", 500, 3),
    amount: moneyField("Amount", { min: 0, max: MAX_ADJUSTMENT_CENTS }),
  }),
]);

export const invoiceRunSchema = z.object({ period: periodSchema });
export const issueInvoiceSchema = z.object({ invoiceId: id });
export const voidInvoiceSchema = z.object({ invoiceId: id, reason: text("Reason", 500, 3) });

export const PAYMENT_METHODS = ["BANK_TRANSFER", "CARD", "CHECK", "CASH", "OTHER"] as const;
export const recordPaymentSchema = z.object({
  invoiceId: id,
  amount: moneyField("Amount", { min: 1, max: MAX_PAYMENT_CENTS }),
  method: z.enum(PAYMENT_METHODS, { error: "Pick a payment method." }),
  reference: z.string().trim().max(200, "Reference must be at most 200 characters.").default(""),
});

export const adjustmentSchema = z.object({
  accountId: id,
  amount: moneyField("Amount", { min: -MAX_ADJUSTMENT_CENTS, max: MAX_ADJUSTMENT_CENTS, nonZero: true }),
  // Shown on the invoice line.
  description: text("Description", 300, 3),
});

export const suspendSchema = z.object({ accountId: id, reason: text("Reason", 500, 3) });
export const unsuspendSchema = z.object({ accountId: id });
