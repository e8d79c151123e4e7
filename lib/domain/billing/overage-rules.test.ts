import { describe, expect, it } from "vitest";
import { billingConfig } from "@/lib/config/server";
import { excessTenthsGb, graceEndFor, overageAmountCents } from "@/lib/domain/billing/overage-rules";
import { centsToDecimal, toCsv } from "./csv";
import { decideOverageSchema } from "@/lib/schemas/billing";

const GB = 2n ** 30n;

describe("billing arithmetic", () => {
  it("grace ends one calendar month later, clamped to the month's last day", () => {
    const cfg = { ...billingConfig(), BILLING_GRACE_MONTHS: 1, BILLING_GRACE_EXTRA_DAYS: 0 };
    expect(graceEndFor(new Date("2026-01-31T08:00:00Z"), cfg).toISOString()).toBe("2026-02-28T08:00:00.000Z");
    expect(graceEndFor(new Date("2026-03-15T00:00:00Z"), cfg).toISOString()).toBe("2026-04-15T00:00:00.000Z");
    expect(graceEndFor(new Date("2026-12-10T00:00:00Z"), cfg).toISOString()).toBe("2027-01-10T00:00:00.000Z");
    expect(
      graceEndFor(new Date("2026-03-15T00:00:00Z"), { ...cfg, BILLING_GRACE_MONTHS: 0, BILLING_GRACE_EXTRA_DAYS: 3 }).toISOString(),
    ).toBe("2026-03-18T00:00:00.000Z");
  });

  it("rounds the excess up to the next 0.1 GB, and any excess to at least 0.1 GB", () => {
    expect(excessTenthsGb(GB, GB)).toBe(0);
    expect(excessTenthsGb(GB - 1n, GB)).toBe(0);
    expect(excessTenthsGb(GB + 1n, GB)).toBe(1);
    expect(excessTenthsGb(2n * GB, GB)).toBe(10);
    expect(excessTenthsGb(2n * GB + 1n, GB)).toBe(11);
    expect(excessTenthsGb(GB + (GB * 34n) / 100n, GB)).toBe(4);
  });

  it("charges excess × price per GB to the cent, half up", () => {
    expect(overageAmountCents(14, 200)).toBe(280);
    expect(overageAmountCents(1, 5)).toBe(1); // 0.5 cent → 1
    expect(overageAmountCents(1, 4)).toBe(0); // 0.4 cent → 0
    expect(overageAmountCents(0, 999)).toBe(0);
  });

  it("writes cents as a decimal without floats", () => {
    expect(centsToDecimal(-1205)).toBe("-12.05");
    expect(centsToDecimal(7)).toBe("0.07");
  });

  it("requires a reason to waive or adjust, not to approve", () => {
    expect(decideOverageSchema.safeParse({ caseId: "abc", decision: "APPROVE" }).success).toBe(true);
    expect(decideOverageSchema.safeParse({ caseId: "abc", decision: "WAIVE", reason: "" }).success).toBe(false);
    const adjust = decideOverageSchema.safeParse({ caseId: "abc", decision: "ADJUST", reason: "Half, goodwill", amount: "1.40" });
    expect(adjust.success && adjust.data.decision === "ADJUST" && adjust.data.amount).toBe(140);
    expect(decideOverageSchema.safeParse({ caseId: "abc", decision: "ADJUST", reason: "x y z", amount: "-1" }).success).toBe(false);
  });

  it("writes CSV that quotes what needs quoting and defuses formulas", () => {
    expect(
      toCsv(
        ["a", "b"],
        [
          ["x,y", 'say "hi"'],
          ["=SUM(A1)", 3],
        ],
      ),
    ).toBe('a,b\r\n"x,y","say ""hi"""\r\n\'=SUM(A1),3\r\n');
  });
});
