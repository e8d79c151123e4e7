import type { Metadata } from "next";
import Link from "next/link";
import { DriftRepair } from "@/components/admin/drift-repair";
import { HealthBadge } from "@/components/admin/health-badge";
import { AccountLink, JailLink } from "@/components/admin/entity-links";
import { JobStatusBadge } from "@/components/jobs/job-labels";
import { JailStateBadge } from "@/components/jails/jail-state-badge";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { LinkButton } from "@/components/ui/button";
import { Card, CardBody, CardHeader, DefinitionList } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { getHost, HOST_JAILS_PAGE_SIZE } from "@/lib/domain/hosts/list-hosts";
import { listActivePlans, listActiveTemplates } from "@/lib/domain/catalog/list-plans";
import { readForPage } from "@/lib/http/page-read";
import { describeBackupHealth } from "@/lib/domain/backups/get-backup-health";
import { formatAge, formatDateTime, formatMb } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";
import { HostActions } from "./host-actions";

export const metadata: Metadata = { title: "Host" };

const KIND = { PUBLIC: "Public IPv4", PRIVATE: "Private", IPV6: "IPv6" } as const;

export default async function HostPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ page?: string }>;
}) {
  const { actor } = await requireAdminPage();
  const jailsPage = pageSchema.parse((await searchParams).page);
  const data = await readForPage((await params).id, (hostId) => getHost({ actor, hostId, jailsPage }));
  const { host, health, jails, liveJails, drift, pools, recentJobs, backupHealth } = data;
  const [plans, templates] = drift.some((d) => d.kind === "UNEXPECTED")
    ? await Promise.all([listActivePlans(), listActiveTemplates()])
    : [[], []];
  const facts = (host.facts ?? {}) as Record<string, unknown>;
  return (
    <>
      <PageHeader
        title={host.name}
        description={host.fqdn}
        actions={
          <>
            <HealthBadge health={health} />
            {!host.removedAt && (
              <LinkButton href={`/admin/hosts/${host.id}/edit`} variant="secondary" size="sm">
                Edit
              </LinkButton>
            )}
            {!host.removedAt && host.enrolledAt && (
              <LinkButton href={`/admin/hosts/${host.id}/evacuate`} variant="secondary" size="sm">
                {host.status === "DEAD" ? "Evacuation" : "Drain or declare dead…"}
              </LinkButton>
            )}
          </>
        }
      />
      {host.removedAt && (
        <Alert tone="warning" title={`Removed from the fleet ${formatDateTime(host.removedAt)}`} className="mb-6">
          Kept for the history of the jails it held. Its agent can no longer connect and its pools are retired.
        </Alert>
      )}
      {host.status === "DEAD" && (
        <Alert tone="error" title={`Declared dead ${formatDateTime(host.declaredDeadAt)}`} className="mb-6">
          Fenced: if its agent comes back it starts none of its jails and runs only the wipes you confirm.{" "}
          <Link href={`/admin/hosts/${host.id}/evacuate`} className="font-medium underline">
            See the evacuation
          </Link>
          .
        </Alert>
      )}
      {host.unavailableReason && (
        <Alert tone="error" title="This host cannot run jails" className="mb-6">
          {host.unavailableReason}
        </Alert>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Status" />
          <CardBody>
            <DefinitionList
              items={[
                ["Status", <Badge key="s">{host.status.toLowerCase()}</Badge>],
                ["Last heartbeat", `${formatAge(host.lastHeartbeatAt)} (${formatDateTime(host.lastHeartbeatAt)})`],
                ["Driver", host.driver.toLowerCase()],
                ["Agent", host.agentVersion ?? "not enrolled"],
                ["Load average", host.loadAverage?.toFixed(2) ?? "—"],
                ["Enrolled", formatDateTime(host.enrolledAt)],
                ["Jails", `${liveJails} of ${host.capacityJails}`],
                ["Disk / memory", `${formatMb(host.capacityDiskMb)} / ${formatMb(host.capacityMemoryMb)}`],
                ["Group", host.group ? host.group.name : "none"],
              ]}
            />
            {Object.keys(facts).length > 0 && (
              <details className="mt-4 text-xs text-zinc-600">
                <summary className="cursor-pointer">Facts reported by the agent</summary>
                <pre className="mt-2 whitespace-pre-wrap font-mono">{JSON.stringify(facts, null, 2)}</pre>
              </details>
            )}
          </CardBody>
        </Card>
        <div className="space-y-6">
          <Card>
            <CardHeader title="Address pools" description="Its own pools first, then its group's shared ones." />
            <CardBody>
              {pools.length === 0 ? (
                <p className="text-sm text-red-700">No live pool: no jail can be placed here.</p>
              ) : (
                <ul className="divide-y divide-zinc-100 text-sm" data-testid="host-pools">
                  {pools.map((p) => (
                    <li key={p.id} className="flex flex-wrap justify-between gap-2 py-2">
                      <span>
                        <Link href={`/admin/ip-pools/${p.id}`} className="text-brand-700 hover:underline">
                          {p.name}
                        </Link>{" "}
                        <span className="text-xs text-zinc-500">
                          {KIND[p.kind]}
                          {p.shared ? ", shared" : ""}
                        </span>
                        <span className="block font-mono text-xs text-zinc-500">{p.ranges.map((r) => r.cidr).join(", ")}</span>
                      </span>
                      <span className="text-xs tabular-nums text-zinc-600">
                        {p.kind === "IPV6" ? `${p.assigned} assigned` : `${p.assigned} of ${p.total} used`}
                      </span>
                    </li>
                  ))}
                </ul>
              )}
            </CardBody>
          </Card>
          {!host.removedAt && (
            <Card>
              <CardHeader title="Manage" />
              <CardBody>
                <HostActions hostId={host.id} status={host.status} enrolled={Boolean(host.enrolledAt)} />
              </CardBody>
            </Card>
          )}
        </div>
      </div>

      <h2 id="drift" className="mb-3 mt-8 text-lg font-semibold">
        Drift
      </h2>
      {drift.length === 0 ? (
        <p className="text-sm text-zinc-500" data-testid="no-drift">
          The host has exactly the jails the panel expects.
        </p>
      ) : (
        <Table head={["Jail", "Kind", "Detail", "Since", "Repair"]}>
          {drift.map((d) => (
            <tr key={d.id} data-testid={`drift-${d.jailName}`}>
              <Td>
                {d.jail ? (
                  <Link href={`/admin/jails/${d.jailId}`} className="text-brand-700 hover:underline">
                    {d.jail.hostname}
                  </Link>
                ) : null}
                <span className="block font-mono text-xs text-zinc-500">{d.jailName}</span>
              </Td>
              <Td>
                <Badge tone={d.kind === "UNEXPECTED" ? "yellow" : "red"}>{d.kind.toLowerCase()}</Badge>
              </Td>
              <Td className="text-xs">{d.detail}</Td>
              <Td className="text-xs text-zinc-500">{formatAge(d.detectedAt)}</Td>
              <Td className="min-w-64">
                {d.repairJob && (d.repairJob.status === "QUEUED" || d.repairJob.status === "RUNNING") ? (
                  <span className="text-xs">
                    <Link href={`/admin/jobs/${d.repairJob.id}`} className="text-brand-700 hover:underline">
                      {d.repairJob.type.toLowerCase()}
                    </Link>{" "}
                    <JobStatusBadge status={d.repairJob.status} />
                  </span>
                ) : (
                  <>
                    {d.repairJob?.status === "FAILED" && (
                      <p className="mb-2 text-xs text-red-700">The last repair failed: {d.repairJob.error}</p>
                    )}
                    <DriftRepair
                      drift={{ id: d.id, kind: d.kind, jailName: d.jailName, hostRunning: d.hostRunning, jail: d.jail }}
                      plans={plans.map((p) => ({ value: p.slug, label: p.name }))}
                      templates={templates.map((t) => ({ value: t.slug, label: t.name }))}
                    />
                  </>
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}

      <h2 className="mb-3 mt-8 flex items-baseline justify-between text-lg font-semibold">
        Jails
        <Link href={`/admin/jails?hostId=${host.id}`} className="text-sm font-medium text-brand-600 hover:underline">
          Filter in the fleet list →
        </Link>
      </h2>
      {jails.length === 0 ? (
        <EmptyState title="No jails on this host" />
      ) : (
        <Table head={["Hostname", "Name", "Customer", "Plan", "State", "Backups"]}>
          {jails.map((j) => (
            <tr key={j.id} data-testid="host-jail">
              <Td>
                <JailLink jail={j} />
              </Td>
              <Td className="font-mono text-xs">
                <Link href={`/admin/jails/${j.id}`} className="hover:underline">
                  {j.name}
                </Link>
              </Td>
              <Td>
                <AccountLink account={j.account} />
              </Td>
              <Td>{j.plan.name}</Td>
              <Td>
                <JailStateBadge state={j.state} />
              </Td>
              <Td className="text-xs" data-testid="backup-health">
                {describeBackupHealth(backupHealth.get(j.id), (d) => formatAge(d))}
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination page={jailsPage} pageSize={HOST_JAILS_PAGE_SIZE} total={liveJails} basePath={`/admin/hosts/${host.id}`} />

      <h2 className="mb-3 mt-8 flex items-baseline justify-between text-lg font-semibold">
        Recent jobs
        <Link href={`/admin/jobs?hostId=${host.id}`} className="text-sm font-medium text-brand-600 hover:underline">
          All jobs of this host →
        </Link>
      </h2>
      {recentJobs.length === 0 ? (
        <p className="text-sm text-zinc-500">No jobs yet.</p>
      ) : (
        <ul className="space-y-1 text-sm">
          {recentJobs.map((j) => (
            <li key={j.id}>
              <Link href={`/admin/jobs/${j.id}`} className="text-brand-700 hover:underline">
                {j.type.toLowerCase()}
              </Link>{" "}
              — {j.status.toLowerCase()} · {formatAge(j.createdAt)}
              {j.error && <span className="text-red-600"> · {j.error}</span>}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}
