import type { Metadata } from "next";
import { z } from "zod";
import { id } from "@/lib/schemas/common";
import Link from "next/link";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { JobStatusBadge } from "@/components/jobs/job-labels";
import { TextField } from "@/components/forms/fields";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { getHost } from "@/lib/domain/hosts/list-hosts";
import { planEvacuation } from "@/lib/domain/migrations/evacuate-host";
import { planDrain } from "@/lib/domain/migrations/drain-host";
import { listHostMigrations } from "@/lib/domain/migrations/read-migrations";
import { readForPage } from "@/lib/http/page-read";
import { formatAge, formatBytes, formatDateTime } from "@/lib/format";
import { declareHostDeadAction, drainHostAction, evacuateHostAction, wipeEvacuatedCopiesAction } from "../../actions";

export const metadata: Metadata = { title: "Dead host" };

const STATUS = { COPYING: "copying", RESTORING: "restoring", DONE: "running again", FAILED: "failed" } as const;

const chosenHosts = z
  .union([id, z.array(id).max(100)])
  .optional()
  .catch(undefined);

export default async function EvacuatePage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ to?: string | string[] }>;
}) {
  const { actor } = await requireAdminPage();
  const { host, liveJails } = await readForPage((await params).id, (hostId) => getHost({ actor, hostId }));
  const dead = host.status === "DEAD";
  const to = chosenHosts.parse((await searchParams).to);
  const targetHostIds = to === undefined ? undefined : Array.isArray(to) ? to : [to];
  const [plan, drain, migrations] = await Promise.all([
    dead ? planEvacuation({ actor, hostId: host.id, targetHostIds }) : null,
    dead || !host.enrolledAt ? null : planDrain({ actor, hostId: host.id, targetHostIds }),
    listHostMigrations({ actor, hostId: host.id }),
  ]);
  const choices = plan?.targets ?? drain?.targets ?? [];
  const placeable = plan?.rows.filter((r) => r.target).length ?? 0;
  const unwiped = migrations.filter((m) => m.kind === "EVACUATE" && !m.sourceWipedAt && m.status !== "FAILED").length;
  return (
    <>
      <PageHeader
        title={`${host.name}: ${dead ? "evacuation" : "drain or declare dead"}`}
        description={
          <Link href={`/admin/hosts/${host.id}`} className="hover:underline">
            Back to the host
          </Link>
        }
      />
      {choices.length > 0 && (
        <form method="get" className="mb-6 flex flex-wrap items-center gap-3 text-sm" aria-label="Send jails to">
          <span className="text-zinc-600">Send jails to:</span>
          {choices.map((t) => (
            <label key={t.id} className="flex items-center gap-1">
              <input type="checkbox" name="to" value={t.id} defaultChecked={!targetHostIds || targetHostIds.includes(t.id)} />
              {t.name} ({t.live} of {t.capacity})
            </label>
          ))}
          <button type="submit" className="rounded-md border border-zinc-300 bg-white px-3 py-1 text-sm hover:bg-zinc-50">
            Update the plan
          </button>
        </form>
      )}
      {drain && (
        <Card className="mb-6">
          <CardHeader
            title="Drain: move its jails to other hosts"
            description="The host takes no new jails; each jail is moved with a live copy, a short stop and a final copy. Customers whose public address changes are mailed first."
          />
          <CardBody className="space-y-4">
            {drain.rows.length === 0 ? (
              <p className="text-sm text-zinc-500">No jails to move.</p>
            ) : (
              <Table head={["Jail", "Customer", "Moves to"]}>
                {drain.rows.map((r) => (
                  <tr key={r.jail.id} data-testid="drain-row">
                    <Td>
                      <Link href={`/admin/jails/${r.jail.id}`} className="font-medium text-brand-700 hover:underline">
                        {r.jail.hostname}
                      </Link>
                    </Td>
                    <Td>{r.jail.account.name}</Td>
                    <Td>{r.target ? r.target.name : <span className="text-zinc-500">waits: {r.waits ?? "no host has room"}</span>}</Td>
                  </tr>
                ))}
              </Table>
            )}
            {drain.rows.some((r) => r.target) && (
              <ConfirmAction
                action={drainHostAction}
                fields={{ hostId: host.id, targetHostIds: (targetHostIds ?? []).join(",") }}
                label={`Drain: move ${drain.rows.filter((r) => r.target).length} jail(s)…`}
                confirmLabel="Drain"
                variant="secondary"
                question={`${host.name} stops taking jails and the jails above move. Each stops for the time of its final copy and its start on the new host.`}
              >
                <TextField name="confirmName" label={`Type ${host.name} to confirm`} autoComplete="off" />
              </ConfirmAction>
            )}
          </CardBody>
        </Card>
      )}
      {!dead ? (
        <Card>
          <CardHeader title="Declare this host dead" />
          <CardBody className="space-y-3 text-sm text-zinc-700">
            <p>
              Do this when {host.name} will not come back soon (a dead disk, a lost machine). It is fenced at once: if its agent ever
              returns, it starts none of its {liveJails} jail(s) and runs only the wipes you confirm. Its queued jobs are cancelled and
              jails being cancelled are destroyed. Then you see the plan: each jail, the host it goes to and the backup it is restored from.
            </p>
            <ConfirmAction
              action={declareHostDeadAction}
              fields={{ hostId: host.id }}
              label="Declare dead…"
              confirmLabel="Declare dead"
              question={`${host.name} is fenced and its queued work cancelled. This cannot be undone: a repaired host is removed and added again.`}
            >
              <TextField name="confirmName" label={`Type ${host.name} to confirm`} autoComplete="off" />
            </ConfirmAction>
          </CardBody>
        </Card>
      ) : (
        <Card>
          <CardHeader
            title="The plan"
            description={`Declared dead ${formatDateTime(host.declaredDeadAt)}. Each jail is restored on the host named, from its latest backup: what was written after it is lost.`}
          />
          <CardBody className="space-y-4">
            {plan && plan.rows.length === 0 ? (
              <EmptyState title="Nothing left to evacuate" description="Every jail of this host has moved (or is moving) to another." />
            ) : (
              <Table head={["Jail", "Customer", "Goes to", "Restored from", "The customer loses"]}>
                {plan?.rows.map((r) => (
                  <tr key={r.jail.id} data-testid="evacuation-row">
                    <Td>
                      <Link href={`/admin/jails/${r.jail.id}`} className="font-medium text-brand-700 hover:underline">
                        {r.jail.hostname}
                      </Link>
                    </Td>
                    <Td>{r.jail.account.name}</Td>
                    <Td>{r.target ? r.target.name : <Badge tone="red">no host has room</Badge>}</Td>
                    <Td>
                      {r.backup
                        ? `backup of ${formatDateTime(r.backup.finishedAt)}${r.backup.sizeBytes !== null ? ` (${formatBytes(r.backup.sizeBytes)})` : ""}`
                        : "no backup: made again from its template"}
                    </Td>
                    <Td className="text-zinc-600">
                      {r.backup ? `what was written in the last ${formatAge(r.backup.finishedAt).replace(/ ago$/, "")}` : "all its files"}
                    </Td>
                  </tr>
                ))}
              </Table>
            )}
            {placeable > 0 && (
              <ConfirmAction
                action={evacuateHostAction}
                fields={{ hostId: host.id, targetHostIds: (targetHostIds ?? []).join(",") }}
                label={`Evacuate ${placeable} jail(s)…`}
                confirmLabel="Evacuate"
                variant="primary"
                question={`${placeable} jail(s) are restored on the hosts above, with new addresses; each customer is mailed now and again when the jail runs. Each host restores at most two at a time.`}
              >
                <TextField name="confirmName" label={`Type ${host.name} to confirm`} autoComplete="off" />
              </ConfirmAction>
            )}
          </CardBody>
        </Card>
      )}
      <Card className="mt-6">
        <CardHeader title="Moves and evacuations from this host" />
        <CardBody className="space-y-4">
          {migrations.length === 0 ? (
            <p className="text-sm text-zinc-500">None yet.</p>
          ) : (
            <Table head={["Jail", "Kind", "To", "Status", "Progress", "Started", "Downtime"]}>
              {migrations.map((m) => (
                <tr key={m.id} data-testid="migration-row">
                  <Td>
                    <Link href={`/admin/jails/${m.jail.id}`} className="text-brand-700 hover:underline">
                      {m.jail.hostname}
                    </Link>
                  </Td>
                  <Td>{m.kind === "MOVE" ? "move" : "evacuation"}</Td>
                  <Td>{m.target.name}</Td>
                  <Td>
                    <Badge tone={m.status === "DONE" ? "green" : m.status === "FAILED" ? "red" : "blue"}>{STATUS[m.status]}</Badge>
                    {m.error && <span className="block text-xs text-red-700">{m.error}</span>}
                  </Td>
                  <Td className="text-xs text-zinc-600">
                    {m.job && m.status !== "DONE" ? (
                      <>
                        <JobStatusBadge status={m.job.status} /> {m.job.progressPercent !== null ? `${m.job.progressPercent} % ` : ""}
                        {m.job.progressMessage ?? ""}
                      </>
                    ) : (
                      "—"
                    )}
                  </Td>
                  <Td>{formatDateTime(m.createdAt)}</Td>
                  <Td>{m.downtimeMs !== null ? `${(m.downtimeMs / 1000).toFixed(1)} s` : "—"}</Td>
                </tr>
              ))}
            </Table>
          )}
          {dead && unwiped > 0 && (
            <Alert tone="warning" title={`${unwiped} evacuated jail(s) still have a copy on ${host.name}`}>
              <p className="mb-2">
                If its disk comes back, these copies hold the customers&apos; old files. Destroy them once you are sure the new ones are
                good.
              </p>
              <ConfirmAction
                action={wipeEvacuatedCopiesAction}
                fields={{ hostId: host.id }}
                label="Destroy the copies on this host…"
                confirmLabel="Destroy the copies"
                question="A DESTROY is queued on this host for each evacuated jail; its agent runs them if it ever comes back."
              >
                <TextField name="confirmName" label={`Type ${host.name} to confirm`} autoComplete="off" />
              </ConfirmAction>
            </Alert>
          )}
        </CardBody>
      </Card>
    </>
  );
}
