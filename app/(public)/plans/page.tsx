import type { Metadata } from "next";
import { PlanCards } from "@/components/catalog/plan-cards";
import { PageHeader } from "@/components/ui/page-header";
import { listActivePlans } from "@/lib/domain/catalog/list-plans";

export const metadata: Metadata = { title: "Plans" };
export const dynamic = "force-dynamic";

export default async function PlansPage() {
  const plans = await listActivePlans();
  return (
    <div className="mx-auto max-w-6xl px-4 py-12 sm:px-6">
      <PageHeader
        title="Plans"
        description="Every plan is a whole FreeBSD jail with root, its own hostname and a public address. Limits are enforced by the kernel, not by policy."
      />
      <PlanCards plans={plans} orderHref={(slug) => `/order?plan=${slug}`} />
    </div>
  );
}
