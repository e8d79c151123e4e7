"use client";
// A destructive or far-reaching action asks first, on the page itself (no browser dialog): the
// first click shows what will happen and the button that does it; "Keep" puts it away again.
import { useState, type ReactNode } from "react";
import { ActionForm } from "@/components/forms/action-form";
import { SubmitButton } from "@/components/ui/submit-button";
import { Button } from "@/components/ui/button";
import type { ActionState } from "@/lib/actions/action-state";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any action's data type fits
type Action = (prev: ActionState<any> | undefined, formData: FormData) => Promise<ActionState<any>>;

export function ConfirmAction({
  action,
  fields,
  label,
  confirmLabel,
  question,
  children,
  variant = "danger",
  size = "sm",
  name,
}: {
  action: Action;
  /** Hidden inputs the action needs. */
  fields: Record<string, string>;
  /** The first button. */
  label: string;
  /** The button that does it. */
  confirmLabel: string;
  /** What will happen, in words. */
  question: ReactNode;
  /** Extra inputs the confirmation asks for (a reason, a typed name). */
  children?: ReactNode;
  variant?: "danger" | "secondary" | "primary";
  size?: "sm" | "md";
  /** The form's accessible name (defaults to `label`). */
  name?: string;
}) {
  const [open, setOpen] = useState(false);
  if (!open)
    return (
      <Button variant={variant === "danger" ? "secondary" : variant} size={size} onClick={() => setOpen(true)}>
        {label}
      </Button>
    );
  return (
    <ActionForm action={action} aria-label={name ?? label} className="space-y-3 rounded-md border border-amber-200 bg-amber-50 p-3">
      {Object.entries(fields).map(([k, v]) => (
        <input key={k} type="hidden" name={k} value={v} />
      ))}
      <div className="text-sm text-amber-900" role="status">
        {question}
      </div>
      {children}
      <div className="flex gap-2">
        <SubmitButton variant={variant} size={size} pendingLabel="Working…">
          {confirmLabel}
        </SubmitButton>
        <Button variant="ghost" size={size} onClick={() => setOpen(false)}>
          Keep
        </Button>
      </div>
    </ActionForm>
  );
}
