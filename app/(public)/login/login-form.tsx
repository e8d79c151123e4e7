import Link from "next/link";
import { ActionForm } from "@/components/forms/action-form";
import { TextField } from "@/components/forms/fields";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { cancelSecondFactorAction, logInAction, secondFactorAction } from "./actions";
import { PasskeySignIn } from "./passkey-sign-in";

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

/**
 * The second step, shown after a correct password for a login with two-factor sign-in. The
 * ticket that says the password was right travels in an httpOnly cookie, not in this form.
 */
export function SecondFactorForm({ callbackUrl, passkeyOrigin }: { callbackUrl?: string; passkeyOrigin?: string }) {
  return (
    <div className="space-y-4">
      {passkeyOrigin && (
        <>
          <PasskeySignIn callbackUrl={callbackUrl} origin={passkeyOrigin} />
          <p className="text-center text-xs uppercase tracking-wide text-zinc-400">or enter a code</p>
        </>
      )}
      <ActionForm action={secondFactorAction} aria-label="Two-factor code">
        {callbackUrl && <input type="hidden" name="callbackUrl" value={callbackUrl} />}
        <TextField
          name="code"
          label="Authentication code"
          autoComplete="one-time-code"
          inputMode="text"
          autoFocus
          required
          hint="The 6-digit code your authenticator app shows now, or one of your recovery codes (each works once)."
        />
        <SubmitButton className="w-full" pendingLabel="Checking…">
          Continue
        </SubmitButton>
      </ActionForm>
      <ActionForm action={cancelSecondFactorAction} aria-label="Use another login" showFormError={false}>
        <button type="submit" className="text-sm font-medium text-brand-600 hover:underline">
          Use another login
        </button>
      </ActionForm>
    </div>
  );
}
