// Forms of the billing console. Every amount goes through the one money parser
// (lib/schemas/money.ts) and is bounded by what its column and its meaning allow.
import { z } from "zod";
import { id, text } from "./common";
import { moneyField } from "./money";
import { checkVatNumber, normaliseVatNumber } from "@/lib/domain/billing/tax-rules";

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
export const voidInvoiceSchema = z.object({
  invoiceId: id,
  reason: text("Reason", 500, 3),
  disposition: z.enum(["REBILL", "FINAL"], { error: "Choose whether its charges are billed again." }),
});

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

const country = z
  .string({ error: "Country is required." })
  .trim()
  .transform((v) => v.toUpperCase())
  .pipe(z.string().regex(/^[A-Z]{2}$/, "Use the two-letter country code (DE, FR, US…)."));

/**
 * A tax rate in percent, typed like money ("19", "7,7", "20.00") and stored in basis points.
 * 0–50 %: no country charges more, and a typo such as "190" is refused rather than applied.
 */
export const taxRatePercent = z
  .string({ error: "Rate is required." })
  .trim()
  .max(10, "Rate is far too long.")
  .transform((v, ctx) => {
    const m = /^(\d{1,3})(?:[.,](\d{1,2}))?$/.exec(v.replace(/\s*%$/, ""));
    if (!m) {
      ctx.addIssue({ code: "custom", message: "Enter a percentage like 19 or 7.7 (at most two decimals)." });
      return z.NEVER;
    }
    const bp = Number(m[1]) * 100 + Number((m[2] ?? "").padEnd(2, "0") || 0);
    if (bp > 5000) {
      ctx.addIssue({ code: "custom", message: "A rate is at most 50 %." });
      return z.NEVER;
    }
    return bp;
  });

export const taxRateSchema = z.object({
  country,
  name: text("Name", 20),
  rate: taxRatePercent,
});
export const deleteTaxRateSchema = z.object({ country });

/** The customer's billing contact. A VAT number must fit its country's format (tax-rules.ts). */
export const billingContactSchema = z
  .object({
    name: text("Name", 120),
    billingEmail: z
      .string({ error: "Billing e-mail is required." })
      .trim()
      .max(254, "Billing e-mail must be at most 254 characters.")
      .pipe(z.email("Enter a valid e-mail address."))
      .transform((v) => v.toLowerCase()),
    addressLine1: text("Address", 200),
    addressLine2: z.string().trim().max(200, "Address line 2 must be at most 200 characters.").default(""),
    city: text("City", 100),
    postalCode: text("Postal code", 20),
    country,
    vatNumber: z.string().trim().max(30, "VAT number must be at most 30 characters.").default(""),
  })
  .transform((v, ctx) => {
    const vatNumber = v.vatNumber ? normaliseVatNumber(v.vatNumber) : null;
    if (vatNumber) {
      const check = checkVatNumber(vatNumber, v.country);
      if (!check.ok) {
        ctx.addIssue({ code: "custom", path: ["vatNumber"], message: check.reason });
        return z.NEVER;
      }
    }
    return { ...v, addressLine2: v.addressLine2 || null, vatNumber };
  });
