// The money parser's rule, one row per form a person types (lib/schemas/money.ts states it).
import { describe, expect, it } from "vitest";
import { formatMoneyInput, moneyField, parseMoney } from "./money";
import { adjustmentSchema, decideOverageSchema, recordPaymentSchema } from "./billing";

describe("parseMoney", () => {
  it.each([
    ["35.00", 3500],
    ["35,00", 3500], // issue 13 case 1: was $3,500.00
    ["-12,50", -1250], // issue 13 case 1: was −$1,250.00
    ["−12.50", -1250],
    ["$-12.50", -1250],
    ["- $12.50", -1250],
    ["+7", 700],
    ["35", 3500],
    ["12,5", 1250],
    ["12.5", 1250],
    ["0.29", 29], // 0.29 × 100 is 28.999… in floating point
    ["1,234.50", 123450],
    ["1.234,50", 123450],
    ["1 234,50", 123450],
    ["1\u202f234,50", 123450],
    ["1'234.50", 123450],
    ["1,234,567.89", 123456789],
    ["1.234.567,89", 123456789],
    ["1,234,567", 123456700],
    ["1.234.567", 123456700],
    ["$1,234.07", 123407],
    ["  $ 9.99 ", 999],
    ["007.10", 710],
    ["-0", 0],
  ])("%s → %i cents", (input, cents) => {
    expect(parseMoney(input)).toEqual({ ok: true, cents });
  });

  it.each([
    ["1,234", /ambiguous/],
    ["1.234", /ambiguous/],
    ["0,125", /ambiguous/],
    ["12.345,6", null], // grouped thousands with a decimal: fine (checked below)
    ["1.234,567", /two decimals/],
    ["12.3456", /Use digits|two decimals|ambiguous|three/],
    ["1,2,3", /both/],
    ["1,23.50", /threes/],
    ["12,34,567.00", /threes/],
    ["1.234 567,00", /one thousands separator/],
    ["12.", /digits/],
    [".5", /digits/],
    ["1e3", /digits/],
    ["abc", /digits/],
    ["", /Enter an amount/],
    ["1234567890123.00", /far too large/],
    ["9".repeat(400), /far too large/],
  ])("%s is refused", (input, reason) => {
    const r = parseMoney(input);
    if (reason === null) return expect(r).toEqual({ ok: true, cents: 1234560 });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });

  it("reads back what formatMoneyInput writes", () => {
    for (const c of [0, 1, 99, 100, 123456, -1250, 123456789]) expect(parseMoney(formatMoneyInput(c))).toEqual({ ok: true, cents: c });
  });
});

describe("money fields are bounded by their meaning, with a message", () => {
  const err = (r: { success: boolean; error?: { issues: Array<{ message: string }> } }) => r.error?.issues.map((i) => i.message).join(" ");
  it.each([
    // [schema, amount, accepted cents or the message]
    ["payment", "35,00", 3500],
    ["payment", "0", /between \$0\.01 and \$1,000,000\.00/],
    ["payment", "999999999", /between/], // issue 13 case 2: was a 500 (integer overflow)
    ["payment", "1000000.00", 100000000],
    ["payment", "1000000.01", /between/],
    ["credit", "-12,50", -1250],
    ["credit", "-10000.00", -1000000],
    ["credit", "-10000.01", /between -\$10,000\.00 and \$10,000\.00/],
    ["credit", "999999999", /between/],
    ["credit", "0,00", /cannot be zero/],
    ["overage", "1,40", 140],
    ["overage", "-1", /cannot be negative/],
    ["overage", "10000.01", /between/],
  ] as const)("%s %s", (kind, amount, expected) => {
    const r =
      kind === "payment"
        ? recordPaymentSchema.safeParse({ invoiceId: "abc", amount, method: "CARD" })
        : kind === "credit"
          ? adjustmentSchema.safeParse({ accountId: "abc", amount, description: "Goodwill" })
          : decideOverageSchema.safeParse({ caseId: "abc", decision: "ADJUST", reason: "Half, goodwill", amount });
    if (typeof expected === "number") {
      expect(r.success, err(r)).toBe(true);
      expect((r.data as { amount: number }).amount).toBe(expected);
    } else {
      expect(r.success).toBe(false);
      expect(err(r)).toMatch(expected);
    }
  });

  it("refuses an overlong field before parsing it", () => {
    expect(err(moneyField("Amount", { min: 0, max: 100 }).safeParse("1".repeat(100)) as never)).toMatch(/far too long/);
  });
});
