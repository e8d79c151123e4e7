import type { Metadata } from "next";
import { NewPasswordField, TextField } from "@/components/forms/fields";
import { FormCard } from "@/components/forms/form-card";
import { Card, CardBody, CardHeader, DefinitionList } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { SubmitButton } from "@/components/ui/submit-button";
import { requireCustomerPage } from "@/lib/auth/session";
import { getAccountProfile } from "@/lib/domain/accounts/get-account-profile";
import { formatDate } from "@/lib/format";
import { TwoFactorCard } from "@/components/account/two-factor-card";
import { ApiTokensCard } from "@/components/account/api-tokens-card";
import { PasskeysCard } from "@/components/account/passkeys-card";
import { changePasswordAction, updateBillingContactAction } from "./actions";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireCustomerPage();
  const account = await getAccountProfile({ actor: user.actor });
  return (
    <>
      <PageHeader title="Account" description="Your login and your billing contact." />
      <div className="grid gap-6 lg:grid-cols-2">
        <FormCard
          title="Billing contact"
          description="Who your invoices are made out to. Changes apply to the next invoice issued; issued invoices keep the contact they were issued to."
          action={updateBillingContactAction}
          aria-label="Billing contact"
        >
          <TextField name="name" label="Name or company" defaultValue={account.name} autoComplete="organization" />
          <TextField name="billingEmail" label="Billing e-mail" type="email" defaultValue={account.billingEmail} autoComplete="email" />
          <TextField name="addressLine1" label="Address" defaultValue={account.addressLine1} autoComplete="address-line1" />
          <TextField
            name="addressLine2"
            label="Address line 2"
            defaultValue={account.addressLine2 ?? ""}
            autoComplete="address-line2"
            hint="Optional."
          />
          <div className="grid gap-4 sm:grid-cols-3">
            <TextField name="postalCode" label="Postal code" defaultValue={account.postalCode} autoComplete="postal-code" />
            <TextField name="city" label="City" defaultValue={account.city} autoComplete="address-level2" />
            <TextField name="country" label="Country" defaultValue={account.country} maxLength={2} hint="Two letters, e.g. DE." />
          </div>
          <TextField
            name="vatNumber"
            label="VAT number"
            defaultValue={account.vatNumber ?? ""}
            hint="EU businesses only, e.g. FR40303265045. From another EU country than ours, invoices are then reverse charged."
          />
          <SubmitButton pendingLabel="Saving…">Save billing contact</SubmitButton>
        </FormCard>
        <div className="space-y-6">
          <Card>
            <CardHeader title="Account" />
            <CardBody>
              <DefinitionList
                items={[
                  ["Status", account.status.toLowerCase()],
                  ["Customer since", formatDate(account.createdAt)],
                  ["Login", user.email],
                ]}
              />
            </CardBody>
          </Card>
          <FormCard
            title="Change password"
            description="This ends all your sessions, on every device."
            action={changePasswordAction}
            aria-label="Change password"
          >
            <TextField name="currentPassword" label="Current password" type="password" autoComplete="current-password" />
            <NewPasswordField />
            <TextField name="confirm" label="New password again" type="password" autoComplete="new-password" />
            <SubmitButton pendingLabel="Saving…">Change password</SubmitButton>
          </FormCard>
          <TwoFactorCard actor={user.actor} />
          <PasskeysCard actor={user.actor} />
        </div>
      </div>
      <div className="mt-6" id="api-tokens">
        <ApiTokensCard actor={user.actor} />
      </div>
    </>
  );
}
