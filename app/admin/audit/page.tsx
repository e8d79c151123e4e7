import type { Metadata } from "next";
import { AuditTable } from "@/components/admin/audit-table";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { requireAdminPage } from "@/lib/auth/session";
import { AUDIT_PAGE_SIZE, listAudit } from "@/lib/domain/audit/list-audit";
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
        <AuditTable rows={rows} />
      )}
      <Pagination page={page} pageSize={AUDIT_PAGE_SIZE} hasMore={hasMore} basePath="/admin/audit" params={{ action }} />
    </>
  );
}
