// Forms of the billing console. Money is typed in dollars and cents ("12.50") and parsed to
// integer cents as a string, never through a float.
import { z } from "zod";
import { id, text } from "./common";

/** "12", "12.5", "12.50", "-3.00" → cents. */
export function parseMoneyToCents(input: string): number | null {
  const m = /^(-)?(\d{1,9})(?:\.(\d{1,2}))?$/.exec(input.trim().replace(/^\$/, "").replace(/,/g, ""));
  if (!m) return null;
  const cents = Number(m[2]) * 100 + Number((m[3] ?? "").padEnd(2, "0") || 0);
  return m[1] ? -cents : cents;
}

const money = (label: string) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(1, `${label} is required.`)
    .transform((v, ctx) => {
      const cents = parseMoneyToCents(v);
      if (cents === null) {
        ctx.addIssue({ code: "custom", message: `${label} must be an amount like 12.50.` });
        return z.NEVER;
      }
      return cents;
    });

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
    amount: money("Amount").refine((c) => c >= 0, "Amount cannot be negative."),
  }),
]);

export const invoiceRunSchema = z.object({ period: periodSchema });
export const issueInvoiceSchema = z.object({ invoiceId: id });
export const voidInvoiceSchema = z.object({ invoiceId: id, reason: text("Reason", 500, 3) });

export const PAYMENT_METHODS = ["BANK_TRANSFER", "CARD", "CHECK", "CASH", "OTHER"] as const;
export const recordPaymentSchema = z.object({
  invoiceId: id,
  amount: money("Amount").refine((c) => c > 0, "Amount must be above zero."),
  method: z.enum(PAYMENT_METHODS, { error: "Pick a payment method." }),
  reference: z.string().trim().max(200, "Reference must be at most 200 characters.").default(""),
});

export const adjustmentSchema = z.object({
  accountId: id,
  amount: money("Amount").refine((c) => c !== 0, "Amount cannot be zero."),
  // Shown on the invoice line.
  description: text("Description", 300, 3),
});

export const suspendSchema = z.object({ accountId: id, reason: text("Reason", 500, 3) });
export const unsuspendSchema = z.object({ accountId: id });
