import type { Metadata } from "next";
import { PageHeader } from "@/components/ui/page-header";
import { Stat } from "@/components/ui/stat";
import { requireAdminPage } from "@/lib/auth/session";
import { getAdminOverview } from "@/lib/domain/admin/get-admin-overview";

export const metadata: Metadata = { title: "Admin" };

function formatSeconds(s: number): string {
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${Math.round(s / 3600)} h`;
}

export default async function AdminOverviewPage() {
  const { actor } = await requireAdminPage();
  const o = await getAdminOverview({ actor });
  return (
    <>
      <PageHeader title="Admin console" description="The fleet at a glance." />
      <h2 className="mb-2 text-sm font-medium text-zinc-500">What to watch</h2>
      <div className="mb-6 grid gap-4 sm:grid-cols-2 lg:grid-cols-4" data-testid="admin-watch">
        <Stat label="Jobs waiting" value={o.fleet.jobsByStatus.QUEUED} href="/admin/jobs?status=QUEUED" />
        <Stat label="Jobs running" value={o.fleet.jobsByStatus.RUNNING} href="/admin/jobs?status=RUNNING" />
        <Stat
          label="Oldest waiting job"
          value={o.fleet.oldestQueuedSeconds === 0 ? "—" : formatSeconds(o.fleet.oldestQueuedSeconds)}
          hint={o.fleet.oldestQueuedSeconds > 300 ? "Longer than five minutes: is its host online?" : undefined}
        />
        <Stat
          label="Hosts offline or stale"
          value={o.fleet.hostsByHealth.offline + o.fleet.hostsByHealth.stale}
          href="/admin/hosts"
          hint={`${o.fleet.hostsByHealth.online} online, ${o.fleet.hostsByHealth.never} never heard from`}
        />
      </div>
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
