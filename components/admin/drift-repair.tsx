"use client";
// The repair an admin expects for each kind of drift, each confirmed on the page first.
import { ConfirmAction } from "@/components/admin/confirm-action";
import { SelectField, TextField } from "@/components/forms/fields";
import { adoptJailAction, repairDriftAction } from "@/app/admin/hosts/actions";

type Option = { value: string; label: string };

export function DriftRepair({
  drift,
  plans,
  templates,
}: {
  drift: {
    id: string;
    kind: "MISSING" | "UNEXPECTED" | "STATE";
    jailName: string;
    hostRunning: boolean | null;
    jail: { hostname: string; state: string } | null;
  };
  plans: Option[];
  templates: Option[];
}) {
  const what = drift.jail?.hostname ?? drift.jailName;
  if (drift.kind === "MISSING")
    return (
      <div className="space-y-2">
        <ConfirmAction
          action={repairDriftAction}
          fields={{ driftId: drift.id, action: "recreate" }}
          label="Recreate from template"
          name={`Recreate ${what}`}
          confirmLabel="Recreate"
          variant="primary"
          question={`Build ${what} again on this host from its template, with its addresses, plan and SSH keys. Its files are gone with it: the customer starts from a fresh root.`}
        />
        <p className="text-xs text-zinc-500">Restore from a backup: not available until backups exist.</p>
      </div>
    );
  if (drift.kind === "STATE") {
    const panel = drift.jail?.state.toLowerCase() ?? "?";
    const host = drift.hostRunning ? "running" : "stopped";
    return (
      <div className="space-y-2">
        <ConfirmAction
          action={repairDriftAction}
          fields={{ driftId: drift.id, action: "converge" }}
          label={panel === "running" ? "Start it on the host" : "Stop it on the host"}
          name={`Converge ${what}`}
          confirmLabel="Queue it"
          variant="primary"
          question={`The panel says ${panel}: make the host match (a ${panel === "running" ? "start" : "stop"} job).`}
        />
        <ConfirmAction
          action={repairDriftAction}
          fields={{ driftId: drift.id, action: "accept" }}
          label={`Accept: it is ${host}`}
          name={`Accept ${what}`}
          confirmLabel="Accept"
          variant="secondary"
          question={`The host says ${host}: make the panel say so too (no job; the customer sees it ${host}).`}
        />
      </div>
    );
  }
  return (
    <div className="space-y-2">
      <ConfirmAction
        action={repairDriftAction}
        fields={{ driftId: drift.id, action: "destroy" }}
        label="Destroy"
        name={`Destroy ${what}`}
        confirmLabel={`Destroy ${drift.jailName}`}
        question={`Destroy ${drift.jailName} on the host, with its files. Nobody ordered it; this cannot be undone.`}
      />
      <ConfirmAction
        action={adoptJailAction}
        fields={{ driftId: drift.id }}
        label="Adopt"
        name={`Adopt ${what}`}
        confirmLabel="Adopt"
        variant="primary"
        question={`Make ${drift.jailName} a jail of a customer: it gets addresses from the host's pools and the plan's limits. A jail Cellblock made keeps its files; one it did not make is rebuilt from the template.`}
      >
        <TextField name="email" label="Customer login (e-mail)" id={`adopt-email-${drift.id}`} />
        <TextField name="hostname" label="Hostname" id={`adopt-hostname-${drift.id}`} />
        <SelectField name="plan" label="Plan" options={plans} />
        <SelectField name="template" label="Template" options={templates} />
      </ConfirmAction>
    </div>
  );
}
