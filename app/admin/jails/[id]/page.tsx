import type { Metadata } from "next";
import Link from "next/link";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { JobStatusBadge } from "@/components/jobs/job-labels";
import { JailStateBadge } from "@/components/jails/jail-state-badge";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader, DefinitionList } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { getAdminJail } from "@/lib/domain/admin/get-admin-jail";
import { readForPage } from "@/lib/http/page-read";
import { getJailMoves } from "@/lib/domain/migrations/read-migrations";
import { MoveJailForm } from "@/components/admin/move-jail-form";
import { formatAge, formatDate, formatDateTime } from "@/lib/format";
import { staffJailPowerAction } from "../../customers/actions";

export const metadata: Metadata = { title: "Jail" };

export default async function AdminJailPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor } = await requireAdminPage();
  const j = await readForPage((await params).id, (jailId) => getAdminJail({ actor, jailId }));
  const moves = await getJailMoves({ actor, jailId: j.id });
  const addr = (kind: string) => j.ipAddresses.find((a) => a.kind === kind);
  const addressCell = (kind: string) => {
    const a = addr(kind);
    return a ? (
      <span>
        <span className="font-mono">{a.address}</span>{" "}
        <Link href={`/admin/ip-pools/${a.pool.id}`} className="text-xs text-zinc-500 hover:underline">
          ({a.pool.name})
        </Link>
      </span>
    ) : (
      "—"
    );
  };
  return (
    <>
      <PageHeader
        title={<span data-testid="admin-jail-hostname">{j.hostname}</span>}
        description={
          <span>
            <span className="font-mono">{j.name}</span> on{" "}
            <Link href={`/admin/hosts/${j.host.id}`} className="text-brand-700 hover:underline">
              {j.host.name}
            </Link>{" "}
            · account{" "}
            <Link href={`/admin/customers/${j.account.id}`} className="text-brand-700 hover:underline">
              {j.account.name}
            </Link>
          </span>
        }
        actions={<JailStateBadge state={j.state} />}
      />
      {j.lastError && (
        <Alert tone="error" title="The host's last words" className="mb-4">
          <span className="font-mono text-xs">{j.lastError}</span>
        </Alert>
      )}
      {j.drift.length > 0 && (
        <Alert tone="warning" title="Drift" className="mb-4">
          {j.drift.map((d) => (
            <p key={d.id}>
              {d.kind.toLowerCase()}: {d.detail} (since {formatAge(d.detectedAt)}) —{" "}
              <Link href={`/admin/hosts/${j.host.id}#drift`} className="underline">
                repair on the host&apos;s page
              </Link>
            </p>
          ))}
        </Alert>
      )}
      <div className="grid gap-6 lg:grid-cols-3">
        <Card className="lg:col-span-2">
          <CardHeader title="Jail" />
          <CardBody>
            <DefinitionList
              items={[
                ["State", `${j.state.toLowerCase()} (wanted: ${j.desiredState.toLowerCase()})`],
                [
                  "Plan",
                  <Link key="p" href={`/admin/plans/${j.plan.id}`} className="text-brand-700 hover:underline">
                    {j.plan.name}
                  </Link>,
                ],
                [
                  "Template",
                  <Link
                    key="t"
                    href={`/admin/templates/${j.template.id}`}
                    className="text-brand-700 hover:underline"
                  >{`${j.template.name} (v${j.template.version})`}</Link>,
                ],
                ["Public IPv4", addressCell("PUBLIC")],
                ["Private IPv4", addressCell("PRIVATE")],
                ["IPv6", addressCell("IPV6")],
                ["Ordered", formatDateTime(j.createdAt)],
                ["Destroyed", j.destroyedAt ? formatDateTime(j.destroyedAt) : "—"],
                ["Root password", j.rootPasswordSetAt ? `set ${formatDate(j.rootPasswordSetAt)}` : "none"],
                [
                  "Host key",
                  <span key="k" className="break-all font-mono text-xs">
                    {j.sshHostKeyFingerprint ?? "—"}
                  </span>,
                ],
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Power" description="Audited on the customer's account." />
          <CardBody className="space-y-3">
            {j.capabilities.stop.allowed ? (
              <ConfirmAction
                action={staffJailPowerAction}
                fields={{ jailId: j.id, verb: "stop" }}
                label="Stop"
                name="Stop the jail"
                confirmLabel="Stop the jail"
                question={`Stop ${j.hostname}? Its services go down until it is started again.`}
              />
            ) : (
              <p className="text-xs text-zinc-500">Stop: {j.capabilities.stop.reason}</p>
            )}
            {j.capabilities.start.allowed ? (
              <ConfirmAction
                action={staffJailPowerAction}
                fields={{ jailId: j.id, verb: "start" }}
                label="Start"
                name="Start the jail"
                confirmLabel="Start the jail"
                variant="primary"
                question={`Start ${j.hostname}?`}
              />
            ) : (
              <p className="text-xs text-zinc-500">Start: {j.capabilities.start.reason}</p>
            )}
            <Badge tone={j.account.status === "ACTIVE" ? "green" : "red"}>account {j.account.status.toLowerCase()}</Badge>
          </CardBody>
        </Card>
      </div>
      <h2 className="mb-3 mt-8 text-lg font-semibold">Host moves</h2>
      <div className="space-y-3">
        {!j.destroyedAt && (j.state === "RUNNING" || j.state === "STOPPED") && <MoveJailForm jail={j} targets={moves.targets} />}
        {moves.migrations.length > 0 && (
          <Table head={["When", "From", "To", "Status", "Downtime"]}>
            {moves.migrations.map((m) => (
              <tr key={m.id} data-testid="jail-migration">
                <Td className="text-xs">{formatDateTime(m.createdAt)}</Td>
                <Td>{m.source.name}</Td>
                <Td>{m.target.name}</Td>
                <Td>
                  {m.kind === "EVACUATE" ? "evacuation: " : ""}
                  {m.status === "DONE"
                    ? "done"
                    : m.status === "FAILED"
                      ? `failed: ${m.error ?? ""}`
                      : `${m.status === "COPYING" ? "copying" : "restoring"}${m.job?.progressMessage ? ` — ${m.job.progressMessage}` : ""}`}
                </Td>
                <Td data-testid="migration-downtime">{m.downtimeMs !== null ? `${(m.downtimeMs / 1000).toFixed(1)} s` : "—"}</Td>
              </tr>
            ))}
          </Table>
        )}
      </div>
      <h2 className="mb-3 mt-8 flex items-baseline justify-between text-lg font-semibold">Jobs</h2>
      {j.jobs.length === 0 ? (
        <p className="text-sm text-zinc-500">No jobs yet.</p>
      ) : (
        <Table head={["Job", "Status", "Requested", "Error"]}>
          {j.jobs.map((job) => (
            <tr key={job.id}>
              <Td>
                <Link href={`/admin/jobs/${job.id}`} className="text-brand-700 hover:underline">
                  {job.type.toLowerCase()}
                </Link>
              </Td>
              <Td>
                <JobStatusBadge status={job.status} />
              </Td>
              <Td className="text-xs text-zinc-600">
                {formatAge(job.createdAt)}
                {job.requestedBy ? ` by ${job.requestedBy.email}` : ""}
              </Td>
              <Td className="max-w-md truncate text-xs text-red-700" title={job.error ?? undefined}>
                {job.error}
              </Td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
