import { db } from "@/lib/db";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { centsToDecimal, toCsv } from "./csv";
import { monthStart, nextMonthStart } from "@/lib/calendar";

/** Every overage decision (approve, adjust, waive) made in a month, with who made it and why. */
export async function exportOverageDecisionsCsv({ actor, periodStart }: { actor: StaffActor; periodStart: Date }): Promise<string> {
  assertStaff(actor);
  const from = monthStart(periodStart);
  const cases = await db.overageCase.findMany({
    where: { decidedAt: { gte: from, lt: nextMonthStart(from) }, status: { in: ["APPROVED", "ADJUSTED", "WAIVED"] } },
    orderBy: [{ decidedAt: "asc" }, { id: "asc" }],
    include: {
      account: { select: { id: true, name: true } },
      jail: { select: { hostname: true } },
      invoiceLine: { select: { invoice: { select: { number: true } } } },
    },
  });
  const deciders = await db.user.findMany({
    where: { id: { in: [...new Set(cases.map((c) => c.decidedById).filter((x): x is string => !!x))] } },
    select: { id: true, email: true },
  });
  const email = new Map(deciders.map((u) => [u.id, u.email]));
  return toCsv(
    [
      "case_id",
      "decided_at",
      "decided_by",
      "decision",
      "account_id",
      "account",
      "jail",
      "kind",
      "opened_at",
      "grace_ended_at",
      "limit_gb",
      "excess_gb",
      "amount",
      "currency",
      "reason",
      "invoice",
    ],
    cases.map((c) => [
      c.id,
      c.decidedAt?.toISOString(),
      c.decidedById ? email.get(c.decidedById) : "",
      c.status,
      c.account.id,
      c.account.name,
      c.jail.hostname,
      c.kind,
      c.openedAt.toISOString(),
      c.graceEndsAt.toISOString(),
      (c.limitMb / 1024).toFixed(1),
      ((c.excessTenthsGb ?? 0) / 10).toFixed(1),
      centsToDecimal(c.amountCents ?? 0),
      "USD",
      c.decisionReason ?? "",
      c.invoiceLine?.invoice.number ?? "",
    ]),
  );
}
