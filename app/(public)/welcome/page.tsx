import type { Metadata } from "next";
import { ActionForm } from "@/components/forms/action-form";
import { NewPasswordField, TextField } from "@/components/forms/fields";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { acceptInvitationAction } from "./actions";

export const metadata: Metadata = { title: "Join Cellblock" };

export default async function WelcomePage({ searchParams }: { searchParams: Promise<{ token?: string }> }) {
  const { token } = await searchParams;
  return (
    <div className="mx-auto max-w-sm px-4 py-16">
      <h1 className="text-2xl font-semibold tracking-tight">Join Cellblock</h1>
      <p className="mt-2 text-sm text-zinc-600">Choose the password for the login you were invited to.</p>
      <div className="mt-8 rounded-lg border border-zinc-200 bg-white p-6 shadow-sm">
        {token ? (
          <ActionForm action={acceptInvitationAction} aria-label="Choose your password">
            <input type="hidden" name="token" value={token.slice(0, 200)} />
            <NewPasswordField label="Password" required />
            <TextField name="confirm" label="Password again" type="password" autoComplete="new-password" required />
            <SubmitButton className="w-full" pendingLabel="Saving…">
              Set password and sign in
            </SubmitButton>
          </ActionForm>
        ) : (
          <Alert tone="error" title="This link is incomplete.">
            Open the link from the invitation exactly as it was sent, or ask an administrator for a new one.
          </Alert>
        )}
      </div>
    </div>
  );
}
