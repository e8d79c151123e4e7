import type { Metadata } from "next";
import { SelectField, TextField } from "@/components/forms/fields";
import { RowAction } from "@/components/forms/row-action";
import { FormCard } from "@/components/forms/form-card";
import { ListWithAside } from "@/components/layout/list-with-aside";
import { Badge } from "@/components/ui/badge";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { SubmitButton } from "@/components/ui/submit-button";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { listReservedNames, RESERVED_PAGE_SIZE } from "@/lib/domain/hostnames/reserved-names";
import { formatDate } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";
import { addReservedNameAction, removeReservedNameAction } from "./actions";

export const metadata: Metadata = { title: "Reserved names" };

export default async function ReservedNamesPage({ searchParams }: { searchParams: Promise<{ page?: string }> }) {
  const { actor } = await requireAdminPage();
  const page = pageSchema.parse((await searchParams).page);
  const { rows, total } = await listReservedNames({ actor, page });
  return (
    <>
      <PageHeader
        title="Reserved names"
        description="Hostnames customers cannot order. Internationalised names that mix scripts or imitate an ASCII name are refused anyway; this list adds brand labels and your own domains."
      />
      <ListWithAside
        aside={
          <FormCard title="Reserve a name" action={addReservedNameAction} aria-label="Reserve a name" resetOnSuccess className="space-y-3">
            <SelectField
              name="kind"
              label="Kind"
              options={[
                { value: "LABEL", label: "Label — refuses any hostname with this label (paypal)" },
                { value: "SUFFIX", label: "Suffix — refuses this name and everything under it" },
              ]}
            />
            <TextField name="value" label="Name" placeholder="paypal or cellblock.example" />
            <TextField name="reason" label="Why (for other staff)" />
            <SubmitButton size="sm" pendingLabel="Reserving…">
              Reserve
            </SubmitButton>
          </FormCard>
        }
      >
        {rows.length === 0 ? (
          <EmptyState title="Nothing reserved" description="Every hostname that passes the policy can be ordered." />
        ) : (
          <Table head={["Name", "Kind", "Why", "Since", ""]}>
            {rows.map((r) => (
              <tr key={r.id} data-testid="reserved-row">
                <Td className="font-mono">{r.kind === "SUFFIX" ? `*.${r.value}` : r.value}</Td>
                <Td>
                  <Badge tone={r.kind === "LABEL" ? "blue" : "gray"}>{r.kind === "LABEL" ? "label" : "suffix"}</Badge>
                </Td>
                <Td className="text-zinc-600">{r.reason || "—"}</Td>
                <Td>{formatDate(r.createdAt)}</Td>
                <Td>
                  <RowAction
                    action={removeReservedNameAction}
                    fields={{ id: r.id }}
                    label="Release"
                    pendingLabel="Releasing…"
                    aria-label={`Release ${r.value}`}
                  />
                </Td>
              </tr>
            ))}
          </Table>
        )}
        <Pagination page={page} pageSize={RESERVED_PAGE_SIZE} total={total} basePath="/admin/reserved-names" />
      </ListWithAside>
    </>
  );
}
