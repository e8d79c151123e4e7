import Link from "next/link";
import { ActionForm } from "@/components/forms/action-form";
import { TextField } from "@/components/forms/fields";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { logInAction } from "./actions";

/**
 * A plain form bound to a server action: it posts (never GETs, so the password stays out of
 * URLs) and works the same when submitted before the page's JavaScript has loaded.
 */
export function LoginForm({ callbackUrl, notice, initialError }: { callbackUrl?: string; notice?: string; initialError?: string }) {
  return (
    <div className="space-y-4">
      {notice && <Alert tone="success">{notice}</Alert>}
      {initialError && <Alert tone="error">{initialError}</Alert>}
      <ActionForm action={logInAction} aria-label="Log in">
        {callbackUrl && <input type="hidden" name="callbackUrl" value={callbackUrl} />}
        <TextField name="email" label="E-mail" type="email" autoComplete="email" required />
        <TextField
          name="password"
          label="Password"
          type="password"
          autoComplete="current-password"
          required
          hint={
            <Link href="/forgot-password" className="font-medium text-brand-600 hover:underline">
              Forgot your password?
            </Link>
          }
        />
        <SubmitButton className="w-full" pendingLabel="Logging in…">
          Log in
        </SubmitButton>
      </ActionForm>
    </div>
  );
}
