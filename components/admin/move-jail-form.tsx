// The admin's "move this jail" form: the target host (least loaded first) and the hostname typed
// to confirm, behind a first click that says what happens.
import { ConfirmAction } from "@/components/admin/confirm-action";
import { SelectField, TextField } from "@/components/forms/fields";
import { moveJailAction } from "@/app/admin/hosts/actions";

/** Renders the move form, or a sentence saying why no host can take the jail. */
export function MoveJailForm({
  jail,
  targets,
}: {
  jail: { id: string; hostname: string };
  targets: Array<{ id: string; name: string; live: number; capacity: number }>;
}) {
  if (targets.length === 0) {
    return <p className="text-sm text-zinc-500">No other host can take it now (active, same driver, room and addresses, heard from).</p>;
  }
  return (
    <ConfirmAction
      action={moveJailAction}
      fields={{ jailId: jail.id }}
      label="Move to another host…"
      confirmLabel="Move"
      variant="secondary"
      question="A live copy is taken first; then the jail stops, a final copy takes what changed, and it starts on the new host with that host's private address. If the new host does not serve its public address, that changes too, and the customer is mailed first."
    >
      <SelectField
        name="targetHostId"
        label="To host"
        options={targets.map((t) => ({ value: t.id, label: `${t.name} (${t.live} of ${t.capacity} jails)` }))}
      />
      <TextField name="confirmHostname" label={`Type ${jail.hostname} to confirm`} autoComplete="off" />
    </ConfirmAction>
  );
}
