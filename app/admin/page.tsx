import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { requireAdminPage } from "@/lib/auth/session";
import { getAdminOverview } from "@/lib/domain/admin/get-admin-overview";

export const metadata: Metadata = { title: "Admin" };

export default async function AdminOverviewPage() {
  const { actor } = await requireAdminPage();
  const o = await getAdminOverview({ actor });
  return (
    <>
      <PageHeader title="Admin console" description="The fleet at a glance." />
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3" data-testid="admin-overview">
        <Stat label="Jailing hosts" value={o.hosts} href="/admin/hosts" />
        <Stat label="Live jails" value={o.liveJails} />
        <Stat label="Customer accounts" value={o.customers} />
        <Stat label="Jobs queued or running" value={o.queuedJobs} href="/admin/jobs?status=QUEUED" />
        <Stat label="Failed jobs (7 days)" value={o.failedJobs} href="/admin/jobs?status=FAILED" />
        <Stat
          label="Messages in the outbox"
          value={o.storedMail}
          href="/admin/outbox"
          hint="Kept here because no SMTP server is configured."
        />
      </div>
    </>
  );
}
