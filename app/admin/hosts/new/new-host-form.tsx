"use client";
import { useState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import { SelectField, TextField } from "@/components/forms/fields";
import { EnrollCommand } from "@/components/admin/enroll-command";
import { SubmitButton } from "@/components/ui/submit-button";
import { createHostAction, type EnrollmentData } from "../actions";

export function NewHostForm() {
  const [enrolment, setEnrolment] = useState<EnrollmentData | null>(null);
  if (enrolment) {
    return (
      <div className="space-y-4">
        <p className="text-sm text-zinc-700">
          Host <strong>{enrolment.hostName}</strong> was added and waits for its agent.
        </p>
        <EnrollCommand appUrl={enrolment.appUrl} token={enrolment.token} />
        <a href={`/admin/hosts/${enrolment.hostId}`} className="text-sm font-medium text-brand-600 hover:underline">
          Go to the host →
        </a>
      </div>
    );
  }
  return (
    <ActionForm action={createHostAction} aria-label="Add host" onSuccess={(s) => setEnrolment(s.data as EnrollmentData)}>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField name="name" label="Name" hint="Short name, e.g. jh-nyc-07." />
        <TextField name="fqdn" label="FQDN" hint="e.g. jh-nyc-07.example.net" />
        <SelectField
          name="driver"
          label="Driver"
          options={[
            { value: "FREEBSD", label: "freebsd (jail(8), ZFS, rctl)" },
            { value: "LXC", label: "lxc (Linux containers)" },
          ]}
        />
        <TextField name="capacityJails" label="Capacity (jails)" type="number" defaultValue="50" />
        <TextField name="capacityDiskMb" label="Disk (MB)" type="number" defaultValue="500000" />
        <TextField name="capacityMemoryMb" label="Memory (MB)" type="number" defaultValue="65536" />
        <TextField
          name="privateNetblock"
          label="Private netblock"
          hint="The jails' addresses, e.g. 10.77.0.0/24 (the first address is the host's)."
        />
        <TextField
          name="publicPoolCidr"
          label="Public address pool"
          hint="e.g. 203.0.113.0/28; leave empty to use a group's shared pool."
        />
        <TextField name="ipv6Prefix" label="IPv6 prefix" hint="e.g. 2001:db8:7::/64; leave empty for none." />
      </div>
      <SubmitButton pendingLabel="Adding…">Add host</SubmitButton>
    </ActionForm>
  );
}
