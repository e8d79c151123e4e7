import type { Metadata } from "next";
import { ActionForm } from "@/components/forms/action-form";
import { TextField } from "@/components/forms/fields";
import { Card, CardBody, CardHeader, DefinitionList } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { SubmitButton } from "@/components/ui/submit-button";
import { requireCustomerPage } from "@/lib/auth/session";
import { getAccountProfile } from "@/lib/domain/accounts/get-account-profile";
import { formatDate } from "@/lib/format";
import { changePasswordAction } from "./actions";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const user = await requireCustomerPage();
  const account = await getAccountProfile({ actor: user.actor });
  return (
    <>
      <PageHeader title="Account" description="Your login and your billing contact." />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Billing contact" />
          <CardBody>
            <DefinitionList
              items={[
                ["Account", account.name],
                ["Status", account.status.toLowerCase()],
                ["Billing e-mail", account.billingEmail],
                [
                  "Address",
                  [account.addressLine1, account.addressLine2, `${account.postalCode} ${account.city}`, account.country]
                    .filter(Boolean)
                    .join(", "),
                ],
                ["Customer since", formatDate(account.createdAt)],
                ["Login", user.email],
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Change password" description="This ends all your sessions, on every device." />
          <CardBody>
            <ActionForm action={changePasswordAction} aria-label="Change password">
              <TextField name="currentPassword" label="Current password" type="password" autoComplete="current-password" />
              <TextField name="password" label="New password" type="password" autoComplete="new-password" hint="At least 10 characters." />
              <TextField name="confirm" label="New password again" type="password" autoComplete="new-password" />
              <SubmitButton pendingLabel="Saving…">Change password</SubmitButton>
            </ActionForm>
          </CardBody>
        </Card>
      </div>
    </>
  );
}
