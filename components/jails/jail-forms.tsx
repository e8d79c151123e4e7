"use client";
// The jail page's forms. Each carries the jail id as a hidden field; the server action takes
// the account from the session and refuses an id that is not the caller's.
import { useEffect, useRef, useState } from "react";
import type { ActionState } from "@/lib/actions/action-state";
import { ActionForm } from "@/components/forms/action-form";
import { SelectField, TextAreaField, TextField } from "@/components/forms/fields";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ButtonVariant } from "@/components/ui/button-styles";

type Action = (prev: ActionState | undefined, formData: FormData) => Promise<ActionState>;

/** One button, one action: Start, Stop, Restart, Remove key. Disabled with its reason shown. */
export function JailActionButton({
  action,
  jailId,
  label,
  pendingLabel,
  disabledReason,
  variant = "secondary",
  extra,
}: {
  action: Action;
  jailId: string;
  label: string;
  pendingLabel: string;
  disabledReason?: string;
  variant?: ButtonVariant;
  extra?: Record<string, string>;
}) {
  return (
    <ActionForm action={action} className="space-y-2" aria-label={label}>
      <input type="hidden" name="jailId" value={jailId} />
      {extra && Object.entries(extra).map(([k, v]) => <input key={k} type="hidden" name={k} value={v} />)}
      <SubmitButton variant={variant} size="sm" pendingLabel={pendingLabel} disabled={!!disabledReason} title={disabledReason}>
        {label}
      </SubmitButton>
    </ActionForm>
  );
}

/** Reinstall and cancel: the customer types the hostname; the button wakes up when it matches. */
export function ConfirmDestroyForm({
  action,
  jailId,
  hostname,
  label,
  pendingLabel,
  explanation,
  disabledReason,
  children,
}: {
  action: Action;
  jailId: string;
  hostname: string;
  label: string;
  pendingLabel: string;
  explanation: string;
  disabledReason?: string;
  /** More fields, between the explanation and the confirmation. */
  children?: React.ReactNode;
}) {
  const [typed, setTyped] = useState("");
  const input = useRef<HTMLInputElement>(null);
  // Whatever was typed before hydration counts too (React does not replay those keystrokes).
  useEffect(() => setTyped(input.current?.value ?? ""), []);
  const matches = typed.trim().toLowerCase() === hostname.toLowerCase();
  return (
    <ActionForm action={action} aria-label={label} onSuccess={() => setTyped("")} resetOnSuccess>
      <input type="hidden" name="jailId" value={jailId} />
      <p className="text-sm text-zinc-600">{explanation}</p>
      {children}
      <TextField
        id={`confirm-${label.toLowerCase().replace(/[^a-z]+/g, "-")}`}
        name="confirmHostname"
        label={
          <>
            Type <span className="font-mono">{hostname}</span> to confirm
          </>
        }
        autoComplete="off"
        spellCheck={false}
        disabled={!!disabledReason}
        onChange={(e) => setTyped(e.currentTarget.value)}
        ref={input}
      />
      <SubmitButton variant="danger" size="sm" pendingLabel={pendingLabel} disabled={!!disabledReason || !matches} title={disabledReason}>
        {label}
      </SubmitButton>
      {disabledReason && <p className="text-xs text-zinc-500">{disabledReason}</p>}
    </ActionForm>
  );
}

/** The optional root password a reinstall sets on the new root. */
export function ReinstallPasswordFields({ disabled }: { disabled?: boolean }) {
  return (
    <fieldset className="space-y-3 rounded-md border border-zinc-200 p-3">
      <legend className="px-1 text-xs font-medium text-zinc-600">Root password for the new install (optional)</legend>
      <TextField
        name="rootPassword"
        label="Root password"
        type="password"
        autoComplete="new-password"
        hint="Leave empty to log in with your SSH keys only; you can set one later."
        disabled={disabled}
      />
      <TextField name="rootPasswordConfirm" label="Root password again" type="password" autoComplete="new-password" disabled={disabled} />
    </fieldset>
  );
}

export function ChangePlanForm({
  action,
  jailId,
  plans,
  currentPlan,
  disabledReason,
}: {
  action: Action;
  jailId: string;
  plans: Array<{ value: string; label: string }>;
  currentPlan: string;
  disabledReason?: string;
}) {
  return (
    <ActionForm action={action} aria-label="Change plan">
      <input type="hidden" name="jailId" value={jailId} />
      <SelectField name="plan" label="New plan" options={plans} defaultValue={currentPlan} disabled={!!disabledReason} />
      <SubmitButton size="sm" pendingLabel="Changing…" disabled={!!disabledReason} title={disabledReason}>
        Change plan
      </SubmitButton>
      {disabledReason && <p className="text-xs text-zinc-500">{disabledReason}</p>}
    </ActionForm>
  );
}

export function RootPasswordForm({ action, jailId, disabledReason }: { action: Action; jailId: string; disabledReason?: string }) {
  return (
    <ActionForm action={action} aria-label="Set root password" resetOnSuccess>
      <input type="hidden" name="jailId" value={jailId} />
      <TextField
        name="password"
        label="New root password"
        type="password"
        autoComplete="new-password"
        hint="At least 12 characters. Cellblock never stores it: only the jail gets a hash of it."
        disabled={!!disabledReason}
      />
      <TextField name="confirm" label="Root password again" type="password" autoComplete="new-password" disabled={!!disabledReason} />
      <SubmitButton size="sm" pendingLabel="Sending…" disabled={!!disabledReason} title={disabledReason}>
        Set root password
      </SubmitButton>
      {disabledReason && <p className="text-xs text-zinc-500">{disabledReason}</p>}
    </ActionForm>
  );
}

export function AddSshKeyForm({ action, jailId, disabledReason }: { action: Action; jailId: string; disabledReason?: string }) {
  return (
    <ActionForm action={action} aria-label="Add SSH key" resetOnSuccess>
      <input type="hidden" name="jailId" value={jailId} />
      <TextAreaField
        name="publicKey"
        label="Public key"
        rows={3}
        placeholder="ssh-ed25519 AAAAC3Nz… you@laptop"
        hint="The contents of your .pub file: ed25519, or RSA with at least 2048 bits."
        spellCheck={false}
        disabled={!!disabledReason}
      />
      <TextField name="label" label="Label (optional)" placeholder="laptop" disabled={!!disabledReason} />
      <SubmitButton size="sm" pendingLabel="Adding…" disabled={!!disabledReason} title={disabledReason}>
        Add key
      </SubmitButton>
      {disabledReason && <p className="text-xs text-zinc-500">{disabledReason}</p>}
    </ActionForm>
  );
}
