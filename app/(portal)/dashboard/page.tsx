import type { Metadata } from "next";
import Link from "next/link";
import { JailsTable } from "@/components/jails/jails-table";
import { LiveRefresh } from "@/components/jails/live-refresh";
import { Alert } from "@/components/ui/alert";
import { EmptyState } from "@/components/ui/empty-state";
import { LinkButton } from "@/components/ui/button";
import { PageHeader } from "@/components/ui/page-header";
import { requireCustomerPage } from "@/lib/auth/session";
import { getCustomerDashboard } from "@/lib/domain/accounts/get-customer-dashboard";
import { getBillingAttention } from "@/lib/domain/billing/get-billing-attention";
import { Stat } from "@/components/ui/stat";
import { formatDate, formatMoney } from "@/lib/format";

export const metadata: Metadata = { title: "Dashboard" };

export default async function DashboardPage() {
  const user = await requireCustomerPage();
  const [dashboard, billing] = await Promise.all([getCustomerDashboard({ actor: user.actor }), getBillingAttention({ actor: user.actor })]);
  const busy = dashboard.jails.some((j) => j.inProgress);
  return (
    <>
      <LiveRefresh active={busy} activeMs={3000} />
      <PageHeader
        title={`Welcome, ${user.name.split(" ")[0]}`}
        description={dashboard.accountName}
        actions={dashboard.jailCount > 0 ? <LinkButton href="/order">Order a jail</LinkButton> : undefined}
      />
      <section aria-label="Billing" className="mb-6 grid gap-4 sm:grid-cols-2">
        <Stat
          label="Balance due"
          value={<span data-testid="dashboard-balance">{formatMoney(billing.dueCents)}</span>}
          href="/invoices"
          hint={billing.nextDueAt ? `Next due ${formatDate(billing.nextDueAt)}` : "Nothing is due."}
        />
        <Stat
          label="Credit"
          value={<span data-testid="dashboard-credit">{formatMoney(billing.creditCents)}</span>}
          href="/invoices"
          hint={billing.creditCents > 0 ? "Applied to your next invoice." : "No credit on the account."}
        />
      </section>
      {billing.notices.length > 0 && (
        <section aria-label="Billing needs your attention" className="mb-6 space-y-2" data-testid="billing-notices">
          {billing.notices.map((n, i) => (
            <Alert key={i} tone={n.tone}>
              {n.text}{" "}
              <Link href={n.href} className="font-medium underline">
                See invoices
              </Link>
            </Alert>
          ))}
        </section>
      )}
      {dashboard.notices.length > 0 && (
        <section aria-label="Needs your attention" className="mb-6 space-y-2" data-testid="notices">
          {dashboard.notices.map((n, i) => (
            <Alert key={i} tone={n.tone}>
              {n.text}{" "}
              <Link href={`/jails/${n.jailId}`} className="font-medium underline">
                Open {n.hostname}
              </Link>
            </Alert>
          ))}
        </section>
      )}
      {dashboard.jailCount === 0 ? (
        <EmptyState
          title="You have no jails yet"
          description="A jail is your own FreeBSD server with root, a hostname and a public address. Pick a plan and it is up in seconds."
          action={<LinkButton href="/plans">See plans</LinkButton>}
        />
      ) : (
        <>
          <JailsTable jails={dashboard.jails} rowTestId="dashboard-jail" />
          {dashboard.jailCount > dashboard.jails.length && (
            <p className="mt-3 text-sm text-zinc-600">
              Showing the newest {dashboard.jails.length} of {dashboard.jailCount}.{" "}
              <Link href="/jails" className="font-medium text-brand-700 hover:underline">
                All jails
              </Link>
            </p>
          )}
        </>
      )}
    </>
  );
}
