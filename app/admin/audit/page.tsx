import type { Metadata } from "next";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { AUDIT_PAGE_SIZE, listAudit } from "@/lib/domain/audit/list-audit";
import { formatDateTime } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";

export const metadata: Metadata = { title: "Audit log" };

export default async function AuditPage({ searchParams }: { searchParams: Promise<{ page?: string; action?: string }> }) {
  const { actor } = await requireAdminPage();
  const params = await searchParams;
  const page = pageSchema.parse(params.page);
  const action = params.action?.slice(0, 100) || undefined;
  const { rows, hasMore } = await listAudit({ actor, page, action });
  return (
    <>
      <PageHeader title="Audit log" description="Who changed what, newest first. Admin and billing actions are always recorded." />
      <form className="mb-4 flex gap-2" role="search">
        <input
          name="action"
          defaultValue={action}
          placeholder="Action prefix, e.g. host. or overage."
          className="w-80 rounded-md border border-zinc-300 px-3 py-1.5 text-sm"
          aria-label="Filter by action"
        />
        <button className="rounded-md border border-zinc-300 bg-white px-3 text-sm">Filter</button>
      </form>
      {rows.length === 0 ? (
        <EmptyState title="No entries" description={action ? "No actions match that prefix." : "Nothing has been recorded yet."} />
      ) : (
        <Table head={["When", "Who", "Action", "Target", "Details"]}>
          {rows.map((r) => (
            <tr key={r.id}>
              <Td className="whitespace-nowrap text-xs text-zinc-500">{formatDateTime(r.createdAt)}</Td>
              <Td>
                {r.actor ? r.actor.email : r.actorRole.toLowerCase()}
                <span className="block text-xs text-zinc-500">
                  {r.actorRole.toLowerCase()}
                  {r.ip ? ` · ${r.ip}` : ""}
                </span>
              </Td>
              <Td className="font-mono text-xs">{r.action}</Td>
              <Td className="text-xs">
                {r.targetType}
                {r.targetId && <span className="block font-mono text-zinc-500">{r.targetId}</span>}
              </Td>
              <Td className="max-w-xs truncate font-mono text-xs text-zinc-500">{r.data ? JSON.stringify(r.data) : ""}</Td>
            </tr>
          ))}
        </Table>
      )}
      <Pagination page={page} pageSize={AUDIT_PAGE_SIZE} hasMore={hasMore} basePath="/admin/audit" params={{ action }} />
    </>
  );
}
