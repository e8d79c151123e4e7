// A table row's own action (Release, Remove, Retry): the ids the action needs travel as hidden
// fields, so the page writes one element instead of a form, its inputs and its button.
import type { ComponentProps, ReactNode } from "react";
import { ActionForm } from "@/components/forms/action-form";
import { SubmitButton } from "@/components/ui/submit-button";
import type { ButtonVariant } from "@/components/ui/button-styles";

/** A form of hidden fields, any extra inputs (children) and one small submit button. */
export function RowAction({
  action,
  fields,
  label,
  pendingLabel,
  variant = "ghost",
  className,
  children,
  "aria-label": ariaLabel,
}: {
  action: ComponentProps<typeof ActionForm>["action"];
  /** Hidden inputs the action needs, name → value. */
  fields: Record<string, string>;
  /** The button's text. */
  label: ReactNode;
  pendingLabel: string;
  variant?: ButtonVariant;
  /** The form's classes (ActionForm's default spaces its children with space-y-4). */
  className?: string;
  /** Inputs shown before the button, e.g. a select. */
  children?: ReactNode;
  /** The form's accessible name. */
  "aria-label"?: string;
}) {
  return (
    <ActionForm action={action} aria-label={ariaLabel} className={className}>
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      {children}
      <SubmitButton size="sm" variant={variant} pendingLabel={pendingLabel}>
        {label}
      </SubmitButton>
    </ActionForm>
  );
}
