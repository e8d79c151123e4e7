"use client";
import type { ComponentProps, ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import { useFormState } from "./action-form";

const inputClass =
  "block w-full rounded-md border bg-white px-3 py-2 text-sm text-zinc-900 shadow-sm placeholder:text-zinc-400 focus:outline-none focus:ring-2 focus:ring-brand-500/40 disabled:bg-zinc-100";

function useField(name: string) {
  const state = useFormState();
  const errors = state.fieldErrors?.[name];
  const echoed = state.values?.[name];
  return { errors, echoed };
}

function FieldShell({
  name,
  label,
  hint,
  errors,
  children,
  htmlFor,
}: {
  name: string;
  label: ReactNode;
  hint?: ReactNode;
  errors?: string[];
  children: ReactNode;
  htmlFor?: string;
}) {
  return (
    <div>
      <label htmlFor={htmlFor ?? name} className="mb-1 block text-sm font-medium text-zinc-800">
        {label}
      </label>
      {children}
      {hint && !errors?.length && <p className="mt-1 text-xs text-zinc-500">{hint}</p>}
      {errors?.map((e) => (
        <p key={e} id={`${name}-error`} className="mt-1 text-xs font-medium text-red-600" role="alert">
          {e}
        </p>
      ))}
    </div>
  );
}

export function TextField({
  name,
  label,
  hint,
  className,
  defaultValue,
  id,
  ...props
}: ComponentProps<"input"> & { name: string; label: ReactNode; hint?: ReactNode }) {
  const { errors, echoed } = useField(name);
  // Two forms on one page may share a field name: `id` keeps their labels apart.
  return (
    <FieldShell name={name} label={label} hint={hint} errors={errors} htmlFor={id ?? name}>
      <input
        id={id ?? name}
        name={name}
        // Re-mount with the echoed value after a failed submit, so what was typed stays.
        key={echoed ?? "initial"}
        defaultValue={echoed ?? defaultValue}
        aria-invalid={errors?.length ? true : undefined}
        aria-describedby={errors?.length ? `${name}-error` : undefined}
        className={cn(inputClass, errors?.length ? "border-red-400" : "border-zinc-300", className)}
        {...props}
      />
    </FieldShell>
  );
}

export function TextAreaField({
  name,
  label,
  hint,
  className,
  defaultValue,
  id,
  ...props
}: ComponentProps<"textarea"> & { name: string; label: ReactNode; hint?: ReactNode }) {
  const { errors, echoed } = useField(name);
  // As in TextField: `id` keeps the labels of two forms with the same field name apart.
  return (
    <FieldShell name={name} label={label} hint={hint} errors={errors} htmlFor={id ?? name}>
      <textarea
        id={id ?? name}
        name={name}
        key={echoed ?? "initial"}
        defaultValue={echoed ?? defaultValue}
        aria-invalid={errors?.length ? true : undefined}
        className={cn(inputClass, "font-mono", errors?.length ? "border-red-400" : "border-zinc-300", className)}
        {...props}
      />
    </FieldShell>
  );
}

export function SelectField({
  name,
  label,
  hint,
  options,
  className,
  defaultValue,
  ...props
}: ComponentProps<"select"> & { name: string; label: ReactNode; hint?: ReactNode; options: Array<{ value: string; label: string }> }) {
  const { errors, echoed } = useField(name);
  return (
    <FieldShell name={name} label={label} hint={hint} errors={errors}>
      <select
        id={name}
        name={name}
        key={echoed ?? "initial"}
        defaultValue={echoed ?? defaultValue}
        aria-invalid={errors?.length ? true : undefined}
        className={cn(inputClass, errors?.length ? "border-red-400" : "border-zinc-300", className)}
        {...props}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** Errors for a field that has no input of its own (e.g. a radio group drawn by the page). */
export function FieldErrors({ name }: { name: string }) {
  const { errors } = useField(name);
  if (!errors?.length) return null;
  return (
    <>
      {errors.map((e) => (
        <p key={e} className="mt-1 text-xs font-medium text-red-600" role="alert">
          {e}
        </p>
      ))}
    </>
  );
}

/** The new-password input of a password form (name "password", with the length rule as its hint). */
export function NewPasswordField({
  label = "New password",
  ...props
}: Omit<ComponentProps<"input">, "name" | "type"> & { label?: ReactNode }) {
  return <TextField name="password" label={label} type="password" autoComplete="new-password" hint="At least 10 characters." {...props} />;
}
