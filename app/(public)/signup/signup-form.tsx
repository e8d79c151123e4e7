"use client";
import { signIn } from "next-auth/react";
import { useRef, useState } from "react";
import { ActionForm } from "@/components/forms/action-form";
import { TextField } from "@/components/forms/fields";
import { Alert } from "@/components/ui/alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { signUpAction } from "./actions";

/** Creates the account, then signs in with the same credentials and goes on to `next`. */
export function SignUpForm({ next }: { next: string }) {
  // React resets the form once the action succeeds, so the credentials are taken at submit.
  const credentials = useRef<{ email: string; password: string } | null>(null);
  const [signInError, setSignInError] = useState<string | null>(null);
  return (
    <div
      onSubmitCapture={(e) => {
        const data = new FormData(e.target as HTMLFormElement);
        credentials.current = { email: String(data.get("email") ?? ""), password: String(data.get("password") ?? "") };
      }}
    >
      {signInError && <Alert tone="error" className="mb-4">{signInError}</Alert>}
      <ActionForm
        action={signUpAction}
        aria-label="Sign up"
        onSuccess={async () => {
          if (!credentials.current) return;
          const res = await signIn("credentials", { ...credentials.current, redirect: false });
          credentials.current = null;
          if (!res || res.error) {
            setSignInError("Your account was created, but signing in failed. Log in from the login page.");
            return;
          }
          window.location.assign(next);
        }}
      >
        <fieldset className="space-y-4">
          <legend className="text-sm font-semibold text-zinc-900">You</legend>
          <TextField name="name" label="Your name" autoComplete="name" required />
          <TextField name="email" label="E-mail" type="email" autoComplete="email" required />
          <TextField name="password" label="Password" type="password" autoComplete="new-password" hint="At least 10 characters." required />
        </fieldset>
        <fieldset className="space-y-4 pt-2">
          <legend className="text-sm font-semibold text-zinc-900">Billing contact</legend>
          <TextField name="accountName" label="Account name" hint="Your company, or your own name." autoComplete="organization" required />
          <TextField name="billingEmail" label="Billing e-mail" type="email" hint="Leave empty to use your login e-mail." />
          <TextField name="addressLine1" label="Address" autoComplete="address-line1" required />
          <TextField name="addressLine2" label="Address line 2" autoComplete="address-line2" />
          <div className="grid grid-cols-2 gap-4">
            <TextField name="city" label="City" autoComplete="address-level2" required />
            <TextField name="postalCode" label="Postal code" autoComplete="postal-code" required />
          </div>
          <TextField name="country" label="Country" hint="Two-letter code, e.g. US, DE, JP." maxLength={2} autoComplete="country" required />
        </fieldset>
        <SubmitButton className="w-full" pendingLabel="Creating your account…">
          Create account
        </SubmitButton>
      </ActionForm>
    </div>
  );
}
