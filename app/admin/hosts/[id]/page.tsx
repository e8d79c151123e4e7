import type { Metadata } from "next";
import Link from "next/link";
import { HealthBadge } from "@/components/admin/health-badge";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader, DefinitionList } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, TBody, Td, Th, THead } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { getHost } from "@/lib/domain/hosts/list-hosts";
import { readForPage } from "@/lib/http/page-read";
import { describeBackupHealth } from "@/lib/domain/backups/get-backup-health";
import { formatAge, formatDateTime, formatMb } from "@/lib/format";
import { HostActions } from "./host-actions";

export const metadata: Metadata = { title: "Host" };

export default async function HostPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor } = await requireAdminPage();
  const data = await readForPage((await params).id, (hostId) => getHost({ actor, hostId }));
  const { host, health, jails, liveJails, drift, addresses, recentJobs, backupHealth } = data;
  const facts = (host.facts ?? {}) as Record<string, unknown>;
  const pool = (kind: string) => addresses.find((a) => a.kind === kind);
  return (
    <>
      <PageHeader title={host.name} description={host.fqdn} actions={<HealthBadge health={health} />} />
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
                [
                  "Private netblock",
                  `${host.privateNetblock} (${pool("PRIVATE")?._count.jailId ?? 0} of ${pool("PRIVATE")?._count._all ?? 0} used)`,
                ],
                [
                  "Public pool",
                  host.publicPoolCidr
                    ? `${host.publicPoolCidr} (${pool("PUBLIC")?._count.jailId ?? 0} of ${pool("PUBLIC")?._count._all ?? 0} used)`
                    : "none",
                ],
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
        <Card>
          <CardHeader title="Manage" />
          <CardBody>
            <HostActions hostId={host.id} status={host.status} enrolled={Boolean(host.enrolledAt)} />
          </CardBody>
        </Card>
      </div>

      <h2 className="mb-3 mt-8 text-lg font-semibold">Drift</h2>
      {drift.length === 0 ? (
        <p className="text-sm text-zinc-500" data-testid="no-drift">
          The host has exactly the jails the panel expects.
        </p>
      ) : (
        <Table>
          <THead>
            <tr>
              <Th>Jail</Th>
              <Th>Kind</Th>
              <Th>Detail</Th>
              <Th>Since</Th>
            </tr>
          </THead>
          <TBody>
            {drift.map((d) => (
              <tr key={d.id}>
                <Td className="font-mono text-xs">{d.jailName}</Td>
                <Td>
                  <Badge tone={d.kind === "UNEXPECTED" ? "yellow" : "red"}>{d.kind.toLowerCase()}</Badge>
                </Td>
                <Td className="text-xs">{d.detail}</Td>
                <Td className="text-xs text-zinc-500">{formatAge(d.detectedAt)}</Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}

      <h2 className="mb-3 mt-8 text-lg font-semibold">Jails</h2>
      {jails.length === 0 ? (
        <EmptyState title="No jails on this host" />
      ) : (
        <Table>
          <THead>
            <tr>
              <Th>Hostname</Th>
              <Th>Name</Th>
              <Th>Customer</Th>
              <Th>Plan</Th>
              <Th>State</Th>
              <Th>Backups</Th>
            </tr>
          </THead>
          <TBody>
            {jails.map((j) => (
              <tr key={j.id}>
                <Td>{j.hostname}</Td>
                <Td className="font-mono text-xs">{j.name}</Td>
                <Td>{j.account.name}</Td>
                <Td>{j.plan.name}</Td>
                <Td>
                  <Badge>{j.state.toLowerCase()}</Badge>
                </Td>
                <Td className="text-xs" data-testid="backup-health">
                  {describeBackupHealth(backupHealth.get(j.id), (d) => formatAge(d))}
                </Td>
              </tr>
            ))}
          </TBody>
        </Table>
      )}

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
