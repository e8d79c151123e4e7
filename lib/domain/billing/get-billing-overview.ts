import { db } from "@/lib/db";

export async function getBillingOverview() {
  const [inReview, inGrace, issuedUnpaid, accounts, flagged] = await Promise.all([
    db.overageCase.count({ where: { status: "REVIEW" } }),
    db.overageCase.count({ where: { status: "GRACE" } }),
    db.invoice.count({ where: { status: "ISSUED" } }),
    db.account.count(),
    db.account.count({ where: { status: "ACTIVE", flaggedForSuspensionAt: { not: null } } }),
  ]);
  return { inReview, inGrace, issuedUnpaid, accounts, flagged };
}
