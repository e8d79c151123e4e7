"use client";
// The plan form, for a new plan and for an edit. An edit whose limits reach jails comes back
// asking to confirm how many: the confirmation is this form again, with the number set.
import { ActionForm, useFormState } from "@/components/forms/action-form";
import { TextAreaField, TextField } from "@/components/forms/fields";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionState } from "@/lib/actions/action-state";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any action's data type fits
type Action = (prev: ActionState<any> | undefined, formData: FormData) => Promise<ActionState<any>>;

export type PlanFormValues = {
  slug?: string;
  name: string;
  description: string;
  price: string;
  diskQuotaMb: number;
  memoryLimitMb: number;
  maxProcesses: number;
  cpuPercent: number;
  bandwidthGb: number;
  overagePrice: string;
  sortOrder: number;
};

function ConfirmJails() {
  const state = useFormState();
  const n = (state.data as { confirmJails?: number } | undefined)?.confirmJails;
  if (n === undefined) return null;
  return (
    <Alert tone="warning" title={`Apply the new limits to ${n} jail${n === 1 ? "" : "s"}?`}>
      <p>Each gets a set-limits job on its host. Saving without confirming changes nothing.</p>
      <input type="hidden" name="confirmJails" value={String(n)} />
      <SubmitButton className="mt-3" variant="danger" pendingLabel="Applying…">
        Save and apply to {n} jail{n === 1 ? "" : "s"}
      </SubmitButton>
    </Alert>
  );
}

export function PlanForm({ action, planId, initial }: { action: Action; planId?: string; initial?: PlanFormValues }) {
  const v = initial;
  return (
    <ActionForm action={action} aria-label={planId ? "Edit plan" : "New plan"}>
      {planId && <input type="hidden" name="planId" value={planId} />}
      <div className="grid gap-4 sm:grid-cols-2">
        {!planId && <TextField name="slug" label="Slug" hint="In order links: lower-case letters, digits, hyphens. Cannot change later." />}
        <TextField name="name" label="Name" defaultValue={v?.name} />
        <TextField
          name="price"
          label="Price ($ / month)"
          inputMode="decimal"
          defaultValue={v?.price}
          hint={planId ? "A change applies from the next billing period." : undefined}
        />
        <TextField name="sortOrder" label="Sort order" type="number" min={0} max={10000} defaultValue={String(v?.sortOrder ?? 0)} />
        <div className="sm:col-span-2">
          <TextAreaField name="description" label="Description" rows={2} defaultValue={v?.description} className="font-sans" />
        </div>
      </div>
      <fieldset className="grid gap-4 rounded-md border border-zinc-200 p-4 sm:grid-cols-3">
        <legend className="px-1 text-sm font-medium text-zinc-700">Limits {planId && "(reach existing jails once confirmed)"}</legend>
        <TextField name="diskQuotaMb" label="Disk quota (MB)" type="number" min={1} defaultValue={String(v?.diskQuotaMb ?? 4096)} />
        <TextField name="memoryLimitMb" label="Process space (MB)" type="number" min={1} defaultValue={String(v?.memoryLimitMb ?? 128)} />
        <TextField name="maxProcesses" label="Processes" type="number" min={1} defaultValue={String(v?.maxProcesses ?? 40)} />
        <TextField name="cpuPercent" label="CPU share (% of a core)" type="number" min={1} defaultValue={String(v?.cpuPercent ?? 25)} />
        <TextField name="bandwidthGb" label="Transfer (GB / month)" type="number" min={0} defaultValue={String(v?.bandwidthGb ?? 50)} />
        <TextField name="overagePrice" label="Overage price ($ / GB)" inputMode="decimal" defaultValue={v?.overagePrice ?? "0.50"} />
      </fieldset>
      <ConfirmJails />
      <SubmitButton pendingLabel="Saving…">{planId ? "Save plan" : "Create plan"}</SubmitButton>
    </ActionForm>
  );
}
