import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/forms/action-form";
import { NewPasswordField, TextField } from "@/components/forms/fields";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { resetPasswordAction } from "./actions";

export const metadata: Metadata = { title: "Choose a new password" };

export default async function ResetPasswordPage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <div className="mx-auto max-w-sm px-4 py-16">
      <h1 className="text-2xl font-semibold tracking-tight">Choose a new password</h1>
      <div className="mt-8 rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
        {token ? (
          <ActionForm action={resetPasswordAction} aria-label="Choose a new password">
            <input type="hidden" name="token" value={token} />
            <NewPasswordField required />
            <TextField name="confirm" label="New password again" type="password" autoComplete="new-password" required />
            <SubmitButton className="w-full" pendingLabel="Saving…">
              Set new password
            </SubmitButton>
          </ActionForm>
        ) : (
          <Alert tone="error" title="This link is incomplete.">
            Open the link from the e-mail exactly as it was sent, or{" "}
            <Link href="/forgot-password" className="underline">
              ask for a new one
            </Link>
            .
          </Alert>
        )}
      </div>
    </div>
  );
}
