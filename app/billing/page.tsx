import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { requireBillingPage } from "@/lib/auth/session";
import { getBillingOverview } from "@/lib/domain/billing/get-billing-overview";

export const metadata: Metadata = { title: "Billing" };

export default async function BillingOverviewPage() {
  const { actor } = await requireBillingPage();
  const o = await getBillingOverview({ actor });
  return (
    <>
      <PageHeader title="Billing console" description="Overage reviews, invoices and payments." />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="billing-overview">
        <Stat label="Overage cases to review" value={o.inReview} href="/billing/reviews" />
        <Stat label="Jails in grace" value={o.inGrace} href="/billing/reviews?status=grace" />
        <Stat label="Issued, unpaid invoices" value={o.issuedUnpaid} href="/billing/invoices?status=ISSUED" />
        <Stat
          label="Customer accounts"
          value={o.accounts}
          href="/billing/accounts"
          hint={o.flagged ? `${o.flagged} flagged for suspension` : undefined}
        />
      </div>
    </>
  );
}
