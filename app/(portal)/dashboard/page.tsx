import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { LinkButton } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomerPage } from "@/lib/auth/session";
import { getDashboard } from "@/lib/domain/accounts/get-dashboard";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requireCustomerPage();
  const dashboard = await getDashboard(user.accountId);
  return (
    <>
      <PageHeader title={`Welcome, ${user.name.split(" ")[0]}`} description={dashboard.accountName} />
      {dashboard.jailCount === 0 ? (
        <EmptyState
          title="You have no jails yet"
          description="A jail is your own FreeBSD server with root, a hostname and a public address. Pick a plan and it is up in seconds."
          action={<LinkButton href="/plans">See plans</LinkButton>}
        />
      ) : (
        <p className="text-sm text-zinc-600">You have {dashboard.jailCount} jail(s).</p>
      )}
    </>
  );
}
