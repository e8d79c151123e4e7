"use client";
// A person's two-factor sign-in, in its three states: off (set it up), pending (scan, type a
// code), on (new recovery codes, turn off). Recovery codes exist in clear only in the answer of
// the action that made them: this component keeps them in memory until "I have saved them".
import { useActionState, useState, type ReactNode } from "react";
import { useRouter } from "next/navigation";
import { ActionForm, BoundActionForm } from "@/components/forms/action-form";
import { TextField } from "@/components/forms/fields";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ActionState } from "@/lib/actions/action-state";
import {
  beginTwoFactorAction,
  confirmTwoFactorAction,
  regenerateRecoveryCodesAction,
  removeTwoFactorAction,
} from "@/app/two-factor/actions";

export type TwoFactorPanelStatus =
  | { state: "off"; required: boolean }
  | { state: "pending"; required: boolean; secret: string }
  | { state: "on"; required: boolean; enabledAt: string; recoveryCodesLeft: number };

/** The secret grouped in fours, as authenticator apps accept it typed. */
const grouped = (secret: string) => secret.match(/.{1,4}/g)!.join(" ");

function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="space-y-4" data-testid="recovery-codes">
      <Alert tone="warning" title="Save these recovery codes now. They are shown once.">
        Each code signs you in once if you lose your authenticator app. Keep them somewhere safe (a password manager, or printed). Cellblock
        stores only a fingerprint of them and cannot show them again.
      </Alert>
      <ul className="grid grid-cols-2 gap-2 rounded-md border border-zinc-200 bg-zinc-50 p-4 font-mono text-sm" aria-label="Recovery codes">
        {codes.map((c) => (
          <li key={c}>{c}</li>
        ))}
      </ul>
      <div className="flex flex-wrap gap-2">
        <Button
          variant="secondary"
          size="sm"
          onClick={() => {
            void navigator.clipboard?.writeText(codes.join("\n")).then(() => setCopied(true));
          }}
        >
          {copied ? "Copied" : "Copy codes"}
        </Button>
        <Button size="sm" onClick={onDone}>
          I have saved them
        </Button>
      </div>
    </div>
  );
}

export type Bound = { state: ActionState; formAction: (formData: FormData) => void };
type CodesState = ActionState<{ recoveryCodes: string[] }>;
/** Recovery codes in an action's answer. */
const codesIn = (state: CodesState) => state.data?.recoveryCodes ?? null;

/**
 * Asks for the password or a code before the bound action, after a first click shows what will
 * happen. `fields` are hidden inputs the action needs; `formName` the form's accessible name.
 */
export function ProofForm({
  bound,
  label,
  confirmLabel,
  question,
  variant,
  fields = {},
  formName,
}: {
  bound: Bound;
  label: string;
  confirmLabel: string;
  question: ReactNode;
  variant: "danger" | "secondary";
  fields?: Record<string, string>;
  formName?: string;
}) {
  const [open, setOpen] = useState(false);
  if (!open) {
    return (
      <Button variant="secondary" size="sm" onClick={() => setOpen(true)}>
        {label}
      </Button>
    );
  }
  return (
    <BoundActionForm {...bound} aria-label={formName ?? label} className="space-y-3 rounded-md border border-amber-200 bg-amber-50 p-3">
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <div className="text-sm text-amber-900" role="status">
        {question}
      </div>
      <TextField
        name="passwordOrCode"
        id={`passwordOrCode-${variant}${fields.passkeyId ? `-${fields.passkeyId}` : ""}`}
        label="Your password, or a code from your app"
        type="password"
        autoComplete="current-password"
      />
      <div className="flex gap-2">
        <SubmitButton variant={variant} size="sm" pendingLabel="Working…">
          {confirmLabel}
        </SubmitButton>
        <Button variant="ghost" size="sm" onClick={() => setOpen(false)}>
          Keep
        </Button>
      </div>
    </BoundActionForm>
  );
}

export function TwoFactorPanel({ status, qr, continueTo }: { status: TwoFactorPanelStatus; qr?: ReactNode; continueTo?: string }) {
  const router = useRouter();
  // The answers that carry recovery codes live here, not in their forms: the page re-renders as
  // soon as the action has changed the state (the confirm form is gone by then), and the codes
  // must stay on screen until the person says they have saved them.
  const [confirmState, confirmAction] = useActionState(confirmTwoFactorAction, {} as CodesState);
  const [regenerateState, regenerateAction] = useActionState(regenerateRecoveryCodesAction, {} as CodesState);
  const [removeState, removeAction] = useActionState(removeTwoFactorAction, {} as ActionState);
  const [dismissed, setDismissed] = useState<CodesState[]>([]);
  const shown = [regenerateState, confirmState].find((st) => codesIn(st) && !dismissed.includes(st));

  if (shown) {
    return (
      <RecoveryCodes
        codes={codesIn(shown)!}
        onDone={() => {
          setDismissed((d) => [...d, shown]);
          if (continueTo) router.push(continueTo);
          else router.refresh();
        }}
      />
    );
  }

  if (status.state === "off") {
    return (
      <div className="space-y-4">
        {removeState.ok && removeState.message && <Alert tone="success">{removeState.message}</Alert>}
        <p className="text-sm text-zinc-600">
          {status.required
            ? "Staff logins must use two-factor sign-in: an authenticator app, or a passkey (below)."
            : "Off. With it on, signing in needs your password and a code from an authenticator app on your phone."}
        </p>
        <ActionForm action={beginTwoFactorAction} aria-label="Set up two-factor sign-in" onSuccess={() => router.refresh()}>
          <SubmitButton pendingLabel="Preparing…">Set up two-factor sign-in</SubmitButton>
        </ActionForm>
      </div>
    );
  }

  if (status.state === "pending") {
    return (
      <div className="space-y-4" data-testid="two-factor-setup">
        <ol className="list-decimal space-y-1 pl-5 text-sm text-zinc-700">
          <li>Open an authenticator app (1Password, Aegis, Google Authenticator, FreeOTP…).</li>
          <li>Scan this QR code, or type the key below.</li>
          <li>Enter the 6-digit code the app shows.</li>
        </ol>
        <div className="flex flex-wrap items-center gap-6">
          {qr}
          <div>
            <p className="text-xs font-medium uppercase tracking-wide text-zinc-500">Key</p>
            <p className="mt-1 select-all font-mono text-sm text-zinc-900" data-testid="totp-secret" data-secret={status.secret}>
              {grouped(status.secret)}
            </p>
            <p className="mt-1 text-xs text-zinc-500">Time-based, 6 digits, every 30 seconds.</p>
          </div>
        </div>
        <BoundActionForm state={confirmState} formAction={confirmAction} aria-label="Confirm two-factor sign-in">
          <TextField
            name="code"
            id="confirm-code"
            label="Code from your app"
            inputMode="numeric"
            autoComplete="one-time-code"
            maxLength={7}
          />
          <SubmitButton pendingLabel="Checking…">Turn on two-factor sign-in</SubmitButton>
        </BoundActionForm>
        <ActionForm action={beginTwoFactorAction} aria-label="Start over" onSuccess={() => router.refresh()}>
          <button type="submit" className="text-sm font-medium text-brand-600 hover:underline">
            Start over with a new key
          </button>
        </ActionForm>
      </div>
    );
  }

  return (
    <div className="space-y-4">
      <p className="text-sm text-zinc-700" data-testid="two-factor-on">
        <span className="font-medium text-emerald-700">On</span> since {new Date(status.enabledAt).toLocaleDateString("en-GB")}. Recovery
        codes left: {status.recoveryCodesLeft} of 10.
      </p>
      {status.recoveryCodesLeft <= 3 && (
        <Alert tone="warning">Few recovery codes are left. Make new ones so that losing your phone does not lock you out.</Alert>
      )}
      {continueTo && (
        <a href={continueTo} className="text-sm font-medium text-brand-600 hover:underline">
          Continue to the console
        </a>
      )}
      <div className="flex flex-wrap items-start gap-3">
        <ProofForm
          bound={{ state: regenerateState, formAction: regenerateAction }}
          label="Make new recovery codes"
          confirmLabel="Make new codes"
          question="Your old recovery codes stop working, and your other sessions end."
          variant="secondary"
        />
        {!status.required && (
          <ProofForm
            bound={{ state: removeState, formAction: removeAction }}
            label="Turn off two-factor sign-in"
            confirmLabel="Turn it off"
            question="Signing in will need only your password again. Your recovery codes stop working and your other sessions end."
            variant="danger"
          />
        )}
      </div>
    </div>
  );
}
