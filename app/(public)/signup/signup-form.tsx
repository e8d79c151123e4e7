import { ActionForm } from "@/components/forms/action-form";
import { NewPasswordField, TextField } from "@/components/forms/fields";
import { SubmitButton } from "@/components/ui/submit-button";
import { signUpAction } from "./actions";

/**
 * Creates the account; the action signs the new customer in and redirects to `next`. A plain
 * form post, so it works the same when it is submitted before the page's JavaScript has loaded.
 */
export function SignUpForm({ next }: { next: string }) {
  return (
    <ActionForm action={signUpAction} aria-label="Sign up">
      <input type="hidden" name="next" value={next} />
      <fieldset className="space-y-4">
        <legend className="text-sm font-semibold text-zinc-900">You</legend>
        <TextField name="name" label="Your name" autoComplete="name" required />
        <TextField name="email" label="E-mail" type="email" autoComplete="email" required />
        <NewPasswordField label="Password" required />
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
  );
}
