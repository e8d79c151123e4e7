import type { Metadata } from "next";
import Link from "next/link";
import { z } from "zod";
import { JobButtons } from "@/components/admin/job-buttons";
import { HostLink } from "@/components/admin/entity-links";
import { FilterSelect } from "@/components/admin/filter-bar";
import { JobStatusBadge } from "@/components/jobs/job-labels";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { KeysetPagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requireAdminPage } from "@/lib/auth/session";
import { JOB_STATUSES, listJobs } from "@/lib/domain/jobs/list-jobs";
import { formatAge } from "@/lib/format";
import { JOB_TYPES } from "@/lib/schemas/jobs";
import { readKeysetListParams } from "../list-params";

export const metadata: Metadata = { title: "Jobs" };

const filterSchema = z.object({
  hostId: z.string().max(64).optional().catch(undefined),
  status: z.enum(JOB_STATUSES).optional().catch(undefined),
  type: z.enum(JOB_TYPES).optional().catch(undefined),
});

export default async function JobsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const { actor } = await requireAdminPage();
  const { cursor, filter } = await readKeysetListParams(searchParams, filterSchema);
  const { rows, newer, older, paged } = await listJobs({ actor, filter, cursor });
  return (
    <>
      <PageHeader title="Jobs" description="Every change a host makes, newest first. Failed jobs can be retried; queued ones cancelled." />
      <form className="mb-4 flex flex-wrap gap-2" role="search">
        {filter.hostId && <input type="hidden" name="hostId" value={filter.hostId} />}
        <FilterSelect
          name="status"
          label="Status"
          value={filter.status}
          anyLabel="Any status"
          options={JOB_STATUSES.map((s) => ({ value: s, label: s.toLowerCase() }))}
        />
        <FilterSelect
          name="type"
          label="Type"
          value={filter.type}
          anyLabel="Any type"
          options={JOB_TYPES.map((t) => ({ value: t, label: t.toLowerCase() }))}
        />
        <button className="rounded-md border border-zinc-300 bg-white px-3 text-sm">Filter</button>
        {(filter.hostId || filter.status || filter.type) && (
          <Link href="/admin/jobs" className="self-center text-sm text-brand-600">
            Clear
          </Link>
        )}
      </form>
      {rows.length === 0 ? (
        <EmptyState title="No jobs" description="Nothing matches these filters." />
      ) : (
        <Table head={["Job", "Host", "Jail", "Status", "Attempts", "Requested", ""]}>
          {rows.map((j) => (
            <tr key={j.id} data-testid={`job-row-${j.id}`}>
              <Td>
                <Link href={`/admin/jobs/${j.id}`} className="font-medium text-brand-700 hover:underline">
                  {j.type.toLowerCase()}
                </Link>
                {j.error && (
                  <span className="block max-w-xs truncate text-xs text-red-600" title={j.error}>
                    {j.error}
                  </span>
                )}
              </Td>
              <Td>
                <HostLink host={j.host} />
              </Td>
              <Td className="text-xs">{j.jail?.hostname ?? "—"}</Td>
              <Td>
                <JobStatusBadge status={j.status} />
              </Td>
              <Td className="text-xs">
                {j.attempts} / {j.maxAttempts}
              </Td>
              <Td className="text-xs text-zinc-600">
                {formatAge(j.createdAt)}
                {j.requestedBy ? ` by ${j.requestedBy.email}` : ""}
              </Td>
              <Td>
                <JobButtons jobId={j.id} status={j.status} />
              </Td>
            </tr>
          ))}
        </Table>
      )}
      <KeysetPagination
        newer={newer}
        older={older}
        paged={paged}
        basePath="/admin/jobs"
        params={{ hostId: filter.hostId, status: filter.status, type: filter.type }}
      />
    </>
  );
}
