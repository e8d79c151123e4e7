import type { Metadata } from "next";
import { SelectField, TextAreaField, TextField } from "@/components/forms/fields";
import { RowAction } from "@/components/forms/row-action";
import { FormCard } from "@/components/forms/form-card";
import { ConfirmAction } from "@/components/admin/confirm-action";
import { ListWithAside } from "@/components/layout/list-with-aside";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { SubmitButton } from "@/components/ui/submit-button";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { listStaff, STAFF_PAGE_SIZE } from "@/lib/domain/staff/list-staff";
import { formatAge, formatDate } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";
import {
  changeStaffRoleAction,
  disableStaffAction,
  enableStaffAction,
  inviteStaffAction,
  resendInvitationAction,
  resetStaffSecondFactorAction,
} from "./actions";

export const metadata: Metadata = { title: "Staff" };

const ROLE = { ADMIN: "admin", BILLING: "billing clerk" } as const;

export default async function StaffPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const { actor } = await requireAdminPage();
  const page = pageSchema.parse((await searchParams).page);
  const { rows, total } = await listStaff({ actor, page });
  return (
    <>
      <PageHeader
        title="Staff"
        description="Admins run the fleet; billing clerks run the billing console. There is always at least one admin who can log in."
      />
      <ListWithAside
        aside={
          <FormCard
            title="Invite"
            description="They receive a link to choose their password; it works for 7 days."
            action={inviteStaffAction}
            aria-label="Invite staff"
            resetOnSuccess
          >
            <TextField name="name" label="Name" />
            <TextField name="email" label="E-mail" type="email" />
            <SelectField
              name="role"
              label="Role"
              options={[
                { value: "BILLING", label: "Billing clerk" },
                { value: "ADMIN", label: "Admin" },
              ]}
            />
            <SubmitButton pendingLabel="Inviting…">Send invitation</SubmitButton>
          </FormCard>
        }
      >
        {rows.length === 0 ? (
          <EmptyState title="No staff" description="Invite an admin or a billing clerk." />
        ) : (
          <Table head={["Who", "Role", "Status", ""]}>
            {rows.map((u) => (
              <tr key={u.id} data-testid={`staff-${u.email}`}>
                <Td>
                  <span className="font-medium">{u.name}</span>
                  <span className="block text-xs text-zinc-500">{u.email}</span>
                </Td>
                <Td>
                  <RowAction
                    action={changeStaffRoleAction}
                    fields={{ userId: u.id }}
                    label="Change"
                    pendingLabel="…"
                    className="flex items-center gap-2 space-y-0"
                  >
                    <select
                      name="role"
                      defaultValue={u.role}
                      aria-label={`Role of ${u.email}`}
                      className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm"
                    >
                      <option value="ADMIN">{ROLE.ADMIN}</option>
                      <option value="BILLING">{ROLE.BILLING}</option>
                    </select>
                  </RowAction>
                </Td>
                <Td className="text-xs">
                  {u.disabledAt ? (
                    <Badge tone="red">disabled {formatDate(u.disabledAt)}</Badge>
                  ) : u.invited ? (
                    <Badge tone={u.invitationExpired ? "yellow" : "blue"}>
                      {u.invitationExpired ? "invitation expired" : `invited, until ${formatDate(u.invitationExpiresAt)}`}
                    </Badge>
                  ) : (
                    <span className="text-zinc-600">last login {formatAge(u.lastLoginAt)}</span>
                  )}
                  {!u.invited && !u.secondFactor && (
                    <Badge tone="yellow" className="ml-2">
                      no second factor yet
                    </Badge>
                  )}
                </Td>
                <Td className="space-y-2">
                  {u.invited && !u.disabledAt && (
                    <RowAction
                      action={resendInvitationAction}
                      fields={{ userId: u.id }}
                      label="Send a new invitation"
                      pendingLabel="Sending…"
                      variant="secondary"
                      className="space-y-1"
                    />
                  )}
                  {u.id !== actor.userId && u.secondFactor && (
                    <ConfirmAction
                      action={resetStaffSecondFactorAction}
                      fields={{ userId: u.id }}
                      label="Reset two-factor sign-in"
                      name={`Reset two-factor sign-in of ${u.email}`}
                      confirmLabel="Reset it"
                      question={`For someone who lost their second factor. Their authenticator key, recovery codes and passkeys are removed and every session of ${u.email} ends; at their next sign-in they must set up a new one before they reach a console.`}
                    >
                      <TextAreaField name="reason" id={`reset-reason-${u.id}`} label="Reason (kept in the audit log)" rows={2} />
                    </ConfirmAction>
                  )}
                  {u.id !== actor.userId &&
                    (u.disabledAt ? (
                      <ConfirmAction
                        action={enableStaffAction}
                        fields={{ userId: u.id }}
                        label="Enable"
                        name={`Enable ${u.email}`}
                        confirmLabel="Enable"
                        variant="primary"
                        question={`${u.email} can log in again.`}
                      />
                    ) : (
                      <ConfirmAction
                        action={disableStaffAction}
                        fields={{ userId: u.id }}
                        label="Disable"
                        name={`Disable ${u.email}`}
                        confirmLabel={`Disable ${u.email}`}
                        question={`${u.email} is signed out everywhere at once and cannot log in until enabled again.`}
                      />
                    ))}
                </Td>
              </tr>
            ))}
          </Table>
        )}
        <Pagination page={page} pageSize={STAFF_PAGE_SIZE} total={total} basePath="/admin/staff" />
      </ListWithAside>
    </>
  );
}
