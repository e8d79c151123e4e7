import type { Metadata } from "next";
import Link from "next/link";
import { ActionForm } from "@/components/forms/action-form";
import { TextAreaField, TextField } from "@/components/forms/fields";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { HostLink, JailLink } from "@/components/admin/entity-links";
import { AuditTable } from "@/components/admin/audit-table";
import { InvoicesTable } from "@/components/billing/invoices-table";
import { JailStateBadge } from "@/components/jails/jail-state-badge";
import { Alert } from "@/components/ui/alert";
import { Badge } from "@/components/ui/badge";
import { Card, CardBody, CardHeader, DefinitionList } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { SubmitButton } from "@/components/ui/submit-button";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { ACCOUNT_AUDIT_PAGE_SIZE, ACCOUNT_JAILS_PAGE_SIZE, getCustomerAccount } from "@/lib/domain/admin/get-customer-account";
import { readForPage } from "@/lib/http/page-read";
import { formatAge, formatDate, formatDateTime, formatMoney } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";
import { addNoteAction, resetSecondFactorAction, sendResetAction, staffJailPowerAction, suspendAction, unsuspendAction } from "../actions";

export const metadata: Metadata = { title: "Customer" };

export default async function CustomerPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ jails?: string; audit?: string }>;
}) {
  const { actor } = await requireAdminPage();
  const sp = await searchParams;
  const jailsPage = pageSchema.parse(sp.jails);
  const auditPage = pageSchema.parse(sp.audit);
  const data = await readForPage((await params).id, (accountId) => getCustomerAccount({ actor, accountId, jailsPage, auditPage }));
  const { account, users, jails, jailsTotal, invoices, balanceCents, overageCases, audit, auditHasMore, notes } = data;
  const pagerParams = { jails: jailsPage > 1 ? String(jailsPage) : undefined, audit: auditPage > 1 ? String(auditPage) : undefined };
  return (
    <>
      <PageHeader
        title={account.name}
        description={`${account.billingEmail} · customer since ${formatDate(account.createdAt)} · balance due ${formatMoney(balanceCents)}`}
        actions={<Badge tone={account.status === "ACTIVE" ? "green" : "red"}>{account.status.toLowerCase()}</Badge>}
      />
      {account.status === "SUSPENDED" && (
        <Alert tone="error" title={`Suspended since ${formatDate(account.suspendedAt)}`} className="mb-4">
          {account.suspensionReason}
        </Alert>
      )}
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Contact" />
          <CardBody>
            <DefinitionList
              items={[
                ["Billing e-mail", account.billingEmail],
                [
                  "Address",
                  [account.addressLine1, account.addressLine2, `${account.postalCode} ${account.city}`, account.country]
                    .filter(Boolean)
                    .join(", "),
                ],
                ["Balance due", formatMoney(balanceCents)],
                ["Flagged for suspension", account.flaggedForSuspensionAt ? formatDate(account.flaggedForSuspensionAt) : "no"],
              ]}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Logins" />
          <CardBody>
            <ul className="divide-y divide-zinc-100">
              {users.map((u) => (
                <li key={u.id} className="space-y-2 py-3 text-sm" data-testid="account-user">
                  <div className="flex flex-wrap items-baseline justify-between gap-2">
                    <span>
                      <span className="font-medium">{u.name}</span> <span className="text-zinc-500">{u.email}</span>
                      {u.disabledAt && (
                        <Badge tone="red" className="ml-2">
                          disabled
                        </Badge>
                      )}
                      {u.secondFactor && (
                        <Badge tone="green" className="ml-2">
                          two-factor
                        </Badge>
                      )}
                    </span>
                    <span className="text-xs text-zinc-500">last login {formatAge(u.lastLoginAt)}</span>
                  </div>
                  {!u.disabledAt && (
                    <ConfirmAction
                      action={sendResetAction}
                      fields={{ accountId: account.id, userId: u.id }}
                      label="Send a password-reset link"
                      name={`Send a password-reset link to ${u.email}`}
                      confirmLabel="Send the link"
                      variant="primary"
                      question={`Mail ${u.email} a link to choose a new password. Only they receive it; it works once, for a limited time.`}
                    />
                  )}
                  {u.secondFactor && (
                    <ConfirmAction
                      action={resetSecondFactorAction}
                      fields={{ accountId: account.id, userId: u.id }}
                      label="Reset two-factor sign-in"
                      name={`Reset two-factor sign-in of ${u.email}`}
                      confirmLabel="Reset it"
                      question={`For a customer who lost their phone and recovery codes. Their authenticator key, recovery codes and passkeys are removed and every session of ${u.email} ends; they sign in with the password alone until they set it up again. Only do this once you are sure who is asking.`}
                    >
                      <TextAreaField name="reason" id={`reset-reason-${u.id}`} label="Reason (kept in the audit log)" rows={2} />
                    </ConfirmAction>
                  )}
                </li>
              ))}
            </ul>
          </CardBody>
        </Card>
      </div>

      <h2 className="mb-3 mt-8 text-lg font-semibold">Jails ({jailsTotal})</h2>
      {jails.length === 0 ? (
        <p className="text-sm text-zinc-500">No jails yet.</p>
      ) : (
        <Table head={["Hostname", "State", "Public address", "Plan", "Host", ""]}>
          {jails.map((j) => (
            <tr key={j.id} data-testid="account-jail">
              <Td>
                <JailLink jail={j} />
                <span className="block text-xs text-zinc-500">ordered {formatDate(j.createdAt)}</span>
              </Td>
              <Td>
                <JailStateBadge state={j.state} />
              </Td>
              <Td className="font-mono text-xs">{j.publicIp ?? "—"}</Td>
              <Td>{j.plan.name}</Td>
              <Td>
                <HostLink host={j.host} />
              </Td>
              <Td>
                {j.state === "RUNNING" && (
                  <ConfirmAction
                    action={staffJailPowerAction}
                    fields={{ jailId: j.id, verb: "stop" }}
                    label="Stop"
                    name={`Stop ${j.hostname}`}
                    confirmLabel="Stop the jail"
                    question={`Stop ${j.hostname}? Its services go down until it is started again.`}
                  />
                )}
                {j.state === "STOPPED" && account.status === "ACTIVE" && (
                  <ConfirmAction
                    action={staffJailPowerAction}
                    fields={{ jailId: j.id, verb: "start" }}
                    label="Start"
                    name={`Start ${j.hostname}`}
                    confirmLabel="Start the jail"
                    variant="primary"
                    question={`Start ${j.hostname}?`}
                  />
                )}
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination
        page={jailsPage}
        pageSize={ACCOUNT_JAILS_PAGE_SIZE}
        total={jailsTotal}
        basePath={`/admin/customers/${account.id}`}
        params={{ audit: pagerParams.audit }}
        pageParam="jails"
      />

      <div className="mt-8 grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Invoices" description="The latest twelve; the billing console has them all." />
          <CardBody>
            {invoices.length === 0 ? (
              <p className="text-sm text-zinc-500">No invoices yet.</p>
            ) : (
              <InvoicesTable invoices={invoices} basePath="/billing/invoices" />
            )}
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Overage cases" />
          <CardBody>
            {overageCases.length === 0 ? (
              <p className="text-sm text-zinc-500">None: every jail has stayed within its plan.</p>
            ) : (
              <ul className="divide-y divide-zinc-100 text-sm">
                {overageCases.map((c) => (
                  <li key={c.id} className="flex flex-wrap justify-between gap-2 py-2">
                    <span>
                      {c.kind.toLowerCase()} on{" "}
                      <Link href={`/admin/jails/${c.jail.id}`} className="text-brand-700 hover:underline">
                        {c.jail.hostname}
                      </Link>
                    </span>
                    <span className="text-xs text-zinc-500">
                      {c.status.toLowerCase()} · opened {formatDate(c.openedAt)}
                      {c.amountCents !== null ? ` · ${formatMoney(c.amountCents)}` : ""}
                    </span>
                  </li>
                ))}
              </ul>
            )}
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Staff notes" description="Never shown to the customer." />
          <CardBody className="space-y-4">
            <ActionForm action={addNoteAction} aria-label="Add a note" resetOnSuccess>
              <input type="hidden" name="accountId" value={account.id} />
              <TextAreaField name="body" label="Note" rows={3} className="font-sans" />
              <SubmitButton variant="secondary" pendingLabel="Saving…">
                Add note
              </SubmitButton>
            </ActionForm>
            {notes.length === 0 ? (
              <p className="text-sm text-zinc-500">No notes yet.</p>
            ) : (
              <ul className="divide-y divide-zinc-100 text-sm" data-testid="account-notes">
                {notes.map((n) => (
                  <li key={n.id} className="py-2">
                    <p className="whitespace-pre-wrap">{n.body}</p>
                    <p className="mt-1 text-xs text-zinc-500">
                      {n.author.name} · {formatDateTime(n.createdAt)}
                    </p>
                  </li>
                ))}
              </ul>
            )}
          </CardBody>
        </Card>
        <Card>
          <CardHeader title={account.status === "SUSPENDED" ? "Lift the suspension" : "Suspend"} />
          <CardBody>
            {account.status === "SUSPENDED" ? (
              <ConfirmAction
                action={unsuspendAction}
                fields={{ accountId: account.id }}
                label="Unsuspend"
                confirmLabel="Lift the suspension"
                variant="primary"
                question="Restarts the jails the suspension stopped."
              />
            ) : account.status === "ACTIVE" ? (
              <ConfirmAction
                action={suspendAction}
                fields={{ accountId: account.id }}
                label="Suspend account"
                confirmLabel="Suspend"
                question="Stops every running jail of the account through jobs on their hosts; the customer cannot start them or order new ones until the suspension is lifted."
              >
                <TextField name="reason" label="Reason" hint="The customer does not see this text." />
              </ConfirmAction>
            ) : (
              <p className="text-sm text-zinc-500">This account is closed.</p>
            )}
          </CardBody>
        </Card>
      </div>

      <h2 className="mb-3 mt-8 text-lg font-semibold">Audit trail</h2>
      {audit.length === 0 ? <p className="text-sm text-zinc-500">Nothing recorded yet.</p> : <AuditTable rows={audit} compact />}
      <Pagination
        page={auditPage}
        pageSize={ACCOUNT_AUDIT_PAGE_SIZE}
        hasMore={auditHasMore}
        basePath={`/admin/customers/${account.id}`}
        params={{ jails: pagerParams.jails }}
        pageParam="audit"
      />
    </>
  );
}
