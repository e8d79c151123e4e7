import type { Metadata } from "next";
import { ActionForm } from "@/components/forms/action-form";
import { TextField } from "@/components/forms/fields";
import { SubmitButton } from "@/components/ui/submit-button";
import { requestPasswordResetAction } from "./actions";

export const metadata: Metadata = { title: "Reset your password" };

export default function ForgotPasswordPage() {
  return (
    <div className="mx-auto max-w-sm px-4 py-16">
      <h1 className="text-2xl font-semibold tracking-tight">Reset your password</h1>
      <p className="mt-1 text-sm text-zinc-600">We will e-mail you a link to choose a new one.</p>
      <div className="mt-8 rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
        <ActionForm action={requestPasswordResetAction} aria-label="Request a reset link">
          <TextField name="email" label="E-mail" type="email" autoComplete="email" required />
          <SubmitButton className="w-full" pendingLabel="Sending…">
            Send reset link
          </SubmitButton>
        </ActionForm>
      </div>
    </div>
  );
}
