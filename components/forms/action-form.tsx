"use client";
// A form bound to a server action through useActionState. Field components below read the
// action's fieldErrors and echoed values from context, so a page only lists its fields.
import { createContext, useActionState, useContext, useEffect, useRef, type ReactNode } from "react";
import type { ActionState } from "@/lib/actions/action-state";
import { Alert } from "@/components/ui/alert";
import { cn } from "@/components/ui/cn";

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any action's data type fits a form
type Action = (prev: ActionState<any> | undefined, formData: FormData) => Promise<ActionState<any>>;

const FormStateContext = createContext<ActionState>({});
export const useFormState = () => useContext(FormStateContext);

type FormProps = {
  children: ReactNode;
  className?: string;
  successMessage?: string;
  resetOnSuccess?: boolean;
  onSuccess?: (state: ActionState) => void;
  showFormError?: boolean;
  id?: string;
  "aria-label"?: string;
};

export function ActionForm({ action, ...props }: FormProps & { action: Action }) {
  const [state, formAction] = useActionState(action, {} as ActionState);
  return <BoundActionForm state={state} formAction={formAction} {...props} />;
}

/**
 * The same form around a useActionState pair its parent owns: for an answer that must outlive
 * the form (recovery codes shown once, while the page behind them re-renders without this form).
 */
export function BoundActionForm({
  state,
  formAction,
  children,
  className,
  successMessage,
  resetOnSuccess = false,
  onSuccess,
  showFormError = true,
  id,
  "aria-label": ariaLabel,
}: FormProps & { state: ActionState; formAction: (formData: FormData) => void }) {
  const formRef = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (state.ok) {
      if (resetOnSuccess) formRef.current?.reset();
      onSuccess?.(state);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [state]);
  const notice = state.ok ? (state.message ?? successMessage) : undefined;
  // A message the action also pinned to a field is shown there only, not twice.
  const formError =
    showFormError && state.error && !Object.values(state.fieldErrors ?? {}).some((errs) => errs?.includes(state.error!))
      ? state.error
      : null;
  return (
    <FormStateContext.Provider value={state}>
      <form ref={formRef} action={formAction} className={cn("space-y-4", className)} noValidate id={id} aria-label={ariaLabel}>
        {formError && <Alert tone="error">{formError}</Alert>}
        {notice && <Alert tone="success">{notice}</Alert>}
        {children}
      </form>
    </FormStateContext.Provider>
  );
}
