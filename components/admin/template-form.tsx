"use client";
import { useState } from "react";
import { ActionForm, useFormState } from "@/components/forms/action-form";
import { SelectField, TextAreaField, TextField } from "@/components/forms/fields";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionState } from "@/lib/actions/action-state";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any action's data type fits
type Action = (prev: ActionState<any> | undefined, formData: FormData) => Promise<ActionState<any>>;

export type TemplateFormValues = {
  name: string;
  description: string;
  sortOrder: number;
  zfsSnapshot: string;
  tarballPath: string;
  lxcMode: "lxc-template" | "mmdebstrap";
  lxcTemplate: string;
  suite: string;
  variant: string;
  packages: string;
};

function LxcFields({ initial }: { initial?: TemplateFormValues }) {
  const echoed = useFormState().values?.lxcMode as TemplateFormValues["lxcMode"] | undefined;
  const [mode, setMode] = useState<TemplateFormValues["lxcMode"]>(echoed ?? initial?.lxcMode ?? "mmdebstrap");
  return (
    <fieldset className="grid gap-4 rounded-md border border-zinc-200 p-4 sm:grid-cols-2">
      <legend className="px-1 text-sm font-medium text-zinc-700">lxc hosts (Linux)</legend>
      <SelectField
        name="lxcMode"
        label="Root file system"
        defaultValue={mode}
        onChange={(e) => setMode(e.target.value as TemplateFormValues["lxcMode"])}
        options={[
          { value: "mmdebstrap", label: "A real Debian, built once per host (mmdebstrap)" },
          { value: "lxc-template", label: "An lxc-create template (busybox, for tests)" },
        ]}
      />
      {mode === "lxc-template" ? (
        <TextField name="lxcTemplate" label="lxc-create template" defaultValue={initial?.lxcTemplate || "busybox"} />
      ) : (
        <>
          <TextField name="suite" label="Debian suite" defaultValue={initial?.suite || "bookworm"} />
          <SelectField
            name="variant"
            label="Variant"
            defaultValue={initial?.variant || "minbase"}
            options={["minbase", "apt", "important", "standard"].map((v) => ({ value: v, label: v }))}
          />
          <div className="sm:col-span-2">
            <TextAreaField
              name="packages"
              label="Extra packages"
              rows={2}
              defaultValue={initial?.packages ?? "openssh-server iproute2 ifupdown procps"}
              hint="Debian package names, separated by spaces."
            />
          </div>
        </>
      )}
    </fieldset>
  );
}

export function TemplateForm({ action, templateId, initial }: { action: Action; templateId?: string; initial?: TemplateFormValues }) {
  return (
    <ActionForm action={action} aria-label={templateId ? "Edit template" : "New template"}>
      {templateId && <input type="hidden" name="templateId" value={templateId} />}
      <div className="grid gap-4 sm:grid-cols-2">
        {!templateId && <TextField name="slug" label="Slug" hint="Lower-case letters, digits, hyphens. Cannot change later." />}
        <TextField name="name" label="Name" defaultValue={initial?.name} />
        <TextField name="sortOrder" label="Sort order" type="number" min={0} max={10000} defaultValue={String(initial?.sortOrder ?? 0)} />
        <div className="sm:col-span-2">
          <TextAreaField name="description" label="Description" rows={2} defaultValue={initial?.description} className="font-sans" />
        </div>
      </div>
      <fieldset className="grid gap-4 rounded-md border border-zinc-200 p-4 sm:grid-cols-2">
        <legend className="px-1 text-sm font-medium text-zinc-700">FreeBSD hosts</legend>
        <TextField
          name="zfsSnapshot"
          label="ZFS snapshot to clone"
          defaultValue={initial?.zfsSnapshot}
          hint="dataset@snapshot; leave empty to use a tarball."
        />
        <TextField
          name="tarballPath"
          label="Tarball on the host"
          defaultValue={initial?.tarballPath}
          hint="Used when there is no snapshot (no disk quota)."
        />
      </fieldset>
      <LxcFields initial={initial} />
      <p className="text-xs text-zinc-500">
        Changing a source makes a new version: every host prepares it once; jails already made keep theirs until reinstalled.
      </p>
      <SubmitButton pendingLabel="Saving…">{templateId ? "Save template" : "Create template"}</SubmitButton>
    </ActionForm>
  );
}
