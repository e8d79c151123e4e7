import type { Metadata } from "next";
import { ActionForm } from "@/components/forms/action-form";
import { TextField } from "@/components/forms/fields";
import { InvoicesTable } from "@/components/billing/invoices-table";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { SubmitButton } from "@/components/ui/submit-button";
import { requireBillingPage } from "@/lib/auth/session";
import { getBillingAccount } from "@/lib/domain/billing/list-billing-accounts";
import { formatDate, formatMoney } from "@/lib/format";
import { readForPage } from "@/lib/http/page-read";
import { addAdjustmentAction, suspendAccountAction, unsuspendAccountAction } from "../../actions";

export const metadata: Metadata = { title: "Account" };

export default async function BillingAccountPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor } = await requireBillingPage();
  const account = await readForPage((await params).id, (accountId) => getBillingAccount({ actor, accountId }));
  const balance = account.balanceCents;
  return (
    <>
      <PageHeader
        title={account.name}
        description={`${account.billingEmail} · balance due ${formatMoney(balance)}`}
        actions={<Badge tone={account.status === "ACTIVE" ? "green" : "red"}>{account.status.toLowerCase()}</Badge>}
      />
      {account.status === "SUSPENDED" && (
        <Alert tone="error" title={`Suspended since ${formatDate(account.suspendedAt)}`} className="mb-4">
          {account.suspensionReason}
        </Alert>
      )}
      {account.flaggedForSuspensionAt && account.status === "ACTIVE" && (
        <Alert tone="warning" title={`Flagged for suspension on ${formatDate(account.flaggedForSuspensionAt)}`} className="mb-4">
          An invoice is unpaid past the dunning limit.
        </Alert>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Invoices" />
          <CardBody>
            {account.invoices.length === 0 ? (
              <p className="text-sm text-zinc-500">No invoices yet.</p>
            ) : (
              <InvoicesTable invoices={account.invoices} basePath="/billing/invoices" />
            )}
          </CardBody>
        </Card>
        <div className="space-y-6">
          <Card>
            <CardHeader
              title={account.status === "SUSPENDED" ? "Lift the suspension" : "Suspend"}
              description={
                account.status === "SUSPENDED"
                  ? "Restarts the jails the suspension stopped."
                  : `Stops the account's ${account.jails.length} jail(s) through jobs on their hosts.`
              }
            />
            <CardBody>
              {account.status === "SUSPENDED" ? (
                <ActionForm action={unsuspendAccountAction} aria-label="Unsuspend account">
                  <input type="hidden" name="accountId" value={account.id} />
                  <SubmitButton pendingLabel="Restoring…">Unsuspend</SubmitButton>
                </ActionForm>
              ) : account.status === "ACTIVE" ? (
                <ActionForm action={suspendAccountAction} aria-label="Suspend account">
                  <input type="hidden" name="accountId" value={account.id} />
                  <TextField name="reason" label="Reason" hint="The customer does not see this text." />
                  <SubmitButton variant="danger" pendingLabel="Suspending…">
                    Suspend account
                  </SubmitButton>
                </ActionForm>
              ) : (
                <p className="text-sm text-zinc-500">This account is closed.</p>
              )}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title="Credit or charge" description="Goes on the next invoice run. A negative amount is a credit." />
            <CardBody>
              <ActionForm action={addAdjustmentAction} aria-label="Add adjustment" resetOnSuccess>
                <input type="hidden" name="accountId" value={account.id} />
                <TextField name="amount" label="Amount ($)" inputMode="decimal" placeholder="-10.00" />
                <TextField name="description" label="Description (shown on the invoice)" />
                <SubmitButton variant="secondary" pendingLabel="Adding…">
                  Add
                </SubmitButton>
              </ActionForm>
              {account.adjustments.length > 0 && (
                <ul className="mt-4 divide-y divide-zinc-100 text-sm">
                  {account.adjustments.map((a) => (
                    <li key={a.id} className="flex justify-between gap-4 py-2">
                      <span>
                        {a.reason}{" "}
                        <span className="text-xs text-zinc-500">
                          {formatDate(a.createdAt)}
                          {a.invoiceId ? " · invoiced" : " · pending"}
                        </span>
                      </span>
                      <span className="tabular-nums">{formatMoney(a.amountCents)}</span>
                    </li>
                  ))}
                </ul>
              )}
            </CardBody>
          </Card>
        </div>
      </div>
    </>
  );
}
