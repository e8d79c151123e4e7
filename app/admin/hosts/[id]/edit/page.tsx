import type { Metadata } from "next";
import Link from "next/link";
import { SelectField, TextField } from "@/components/forms/fields";
import { FormCard } from "@/components/forms/form-card";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { SubmitButton } from "@/components/ui/submit-button";
import { requireAdminPage } from "@/lib/auth/session";
import { getHostForEdit } from "@/lib/domain/hosts/list-hosts";
import { readForPage } from "@/lib/http/page-read";
import { removeHostAction, updateHostAction } from "../../actions";

export const metadata: Metadata = { title: "Edit host" };

export default async function EditHostPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor } = await requireAdminPage();
  const { host, groups, liveJails, everHeld } = await readForPage((await params).id, (hostId) => getHostForEdit({ actor, hostId }));
  return (
    <>
      <PageHeader
        title={`Edit ${host.name}`}
        description={
          <Link href={`/admin/hosts/${host.id}`} className="text-brand-700 hover:underline">
            ← back to the host
          </Link>
        }
      />
      <div className="grid gap-6 lg:grid-cols-3">
        <FormCard
          title="Capacity and pools"
          description={`Private netblock ${host.privateNetblock} (fixed). Public and IPv6 pools are on the IP pools page.`}
          cardClassName="lg:col-span-2"
          action={updateHostAction}
          aria-label="Edit host"
        >
          <input type="hidden" name="hostId" value={host.id} />
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField name="capacityJails" label="Capacity (jails)" type="number" min={1} defaultValue={String(host.capacityJails)} />
            <TextField name="capacityDiskMb" label="Disk (MB)" type="number" min={1} defaultValue={String(host.capacityDiskMb)} />
            <TextField name="capacityMemoryMb" label="Memory (MB)" type="number" min={1} defaultValue={String(host.capacityMemoryMb)} />
          </div>
          <SelectField
            name="groupId"
            label="Host group"
            hint="The host also takes addresses from its group's shared pools."
            defaultValue={host.groupId ?? ""}
            options={[{ value: "", label: "No group" }, ...groups.map((g) => ({ value: g.id, label: g.name }))]}
          />
          <p className="text-sm">
            <Link href={`/admin/ip-pools?kind=PUBLIC`} className="text-brand-700 hover:underline">
              Manage pools →
            </Link>
          </p>
          <SubmitButton pendingLabel="Saving…">Save</SubmitButton>
        </FormCard>
        <Card>
          <CardHeader title="Remove from the fleet" />
          <CardBody className="space-y-3 text-sm">
            {liveJails > 0 ? (
              <p className="text-zinc-600">
                This host holds {liveJails} jail{liveJails === 1 ? "" : "s"}: move or destroy them first (or drain it so it takes no new
                ones).
              </p>
            ) : (
              <ConfirmAction
                action={removeHostAction}
                fields={{ hostId: host.id }}
                label="Remove host"
                confirmLabel="Remove"
                question={
                  everHeld === 0
                    ? `${host.name} never held a jail: it is deleted with its pools, queued jobs and enrolment token.`
                    : `${host.name} held ${everHeld} jail(s), all destroyed: it leaves the fleet and its pools are freed; its row stays for their history. Its agent can no longer connect.`
                }
              >
                <TextField name="confirmName" label={`Type ${host.name} to confirm`} autoComplete="off" />
              </ConfirmAction>
            )}
          </CardBody>
        </Card>
      </div>
    </>
  );
}
