import { db } from "@/lib/db";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";

/** The counts on the billing console's front page. */
export async function getBillingOverview({ actor }: { actor: StaffActor }) {
  assertStaff(actor);
  const [inReview, inGrace, issuedUnpaid, accounts, flagged] = await Promise.all([
    db.overageCase.count({ where: { status: "REVIEW" } }),
    db.overageCase.count({ where: { status: "GRACE" } }),
    db.invoice.count({ where: { status: "ISSUED" } }),
    db.account.count(),
    db.account.count({ where: { status: "ACTIVE", flaggedForSuspensionAt: { not: null } } }),
  ]);
  return { inReview, inGrace, issuedUnpaid, accounts, flagged };
}
