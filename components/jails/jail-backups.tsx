// The jail page's Backups card: the plan's policy in words, "Back up now", the kept backups
// (time, size, how it went) and a restore confirmed by typing the hostname.
import { ConfirmDestroyForm, JailActionButton } from "@/components/jails/jail-forms";
import { SelectField } from "@/components/forms/fields";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Table, Td } from "@/components/ui/table";
import type { ActionState } from "@/lib/actions/action-state";
import type { JailBackupView } from "@/lib/domain/backups/list-jail-backups";
import { formatBytes, formatDateTime } from "@/lib/format";

type Action = (prev: ActionState | undefined, formData: FormData) => Promise<ActionState>;

/** The plan's backup policy, in words. */
function policyText(everyHours: number, keep: number): string {
  if (everyHours <= 0) return `Your plan has no scheduled backups; back up whenever you like (the newest ${keep} are kept).`;
  const often = everyHours === 24 ? "every night" : `every ${everyHours} hours`;
  return `Backed up ${often}, encrypted, on a separate backup server; the newest ${keep} are kept.`;
}

export function JailBackups({
  jailId,
  hostname,
  backups,
  everyHours,
  keep,
  backupDisabled,
  restoreDisabled,
  backupNowAction,
  restoreAction,
}: {
  jailId: string;
  hostname: string;
  backups: JailBackupView[];
  everyHours: number;
  keep: number;
  backupDisabled?: string;
  restoreDisabled?: string;
  backupNowAction: Action;
  restoreAction: Action;
}) {
  const restorable = backups.filter((b) => b.status === "SUCCEEDED");
  return (
    <Card>
      <CardHeader title="Backups" description={policyText(everyHours, keep)} />
      <CardBody className="space-y-5">
        <div className="space-y-1">
          <JailActionButton
            action={backupNowAction}
            jailId={jailId}
            label="Back up now"
            pendingLabel="Asking the host…"
            disabledReason={backupDisabled}
          />
          {backupDisabled && <p className="text-xs text-zinc-500">{backupDisabled}</p>}
        </div>
        {backups.length === 0 ? (
          <p className="text-sm text-zinc-500">No backups yet.</p>
        ) : (
          <Table head={["Taken", "Size", "Why", "Status"]}>
            {backups.map((b) => (
              <tr key={b.id} data-testid="backup-row" data-status={b.status}>
                <Td>{formatDateTime(b.finishedAt ?? b.createdAt)}</Td>
                <Td>{b.sizeBytes === null ? "—" : formatBytes(b.sizeBytes)}</Td>
                <Td>{b.trigger === "SCHEDULED" ? "Scheduled" : b.trigger === "MIGRATION" ? "Moving hosts" : "On request"}</Td>
                <Td>
                  {b.status === "SUCCEEDED" && <Badge tone="green">Done</Badge>}
                  {b.status === "PENDING" && <Badge tone="blue">In progress</Badge>}
                  {b.status === "FAILED" && (
                    <span className="space-y-1">
                      <Badge tone="red">Failed</Badge> <span className="text-xs text-zinc-600">{b.failure}</span>
                    </span>
                  )}
                </Td>
              </tr>
            ))}
          </Table>
        )}
        {restorable.length > 0 && (
          <ConfirmDestroyForm
            action={restoreAction}
            jailId={jailId}
            hostname={hostname}
            label="Restore this backup"
            pendingLabel="Restoring…"
            explanation="Stops the jail and replaces all its files with the backup's; files written since that backup are lost. The jail starts again afterwards."
            disabledReason={restoreDisabled}
          >
            <SelectField
              name="backupId"
              label="Backup"
              options={restorable.map((b) => ({
                value: b.id,
                label: `${formatDateTime(b.finishedAt ?? b.createdAt)} · ${b.sizeBytes === null ? "" : formatBytes(b.sizeBytes)}`,
              }))}
              disabled={!!restoreDisabled}
            />
          </ConfirmDestroyForm>
        )}
      </CardBody>
    </Card>
  );
}
