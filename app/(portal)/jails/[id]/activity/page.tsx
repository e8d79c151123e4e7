import type { Metadata } from "next";
import Link from "next/link";
import { JobStatusBadge, JobTypeLabel } from "@/components/jobs/job-labels";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { Pagination } from "@/components/ui/pagination";
import { Table, Td } from "@/components/ui/table";
import { requireCustomerPage } from "@/lib/auth/session";
import { listJailActivity } from "@/lib/domain/jails/list-jail-activity";
import { readForPage } from "@/lib/http/page-read";
import { formatDateTime } from "@/lib/format";
import { page as pageSchema } from "@/lib/schemas/common";

export const metadata: Metadata = { title: "Jail activity" };

export default async function JailActivityPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ page?: string }>;
}) {
  const user = await requireCustomerPage();
  const page = pageSchema.parse((await searchParams).page);
  const activity = await readForPage((await params).id, (jailId) => listJailActivity({ actor: user.actor, jailId, page }));
  return (
    <>
      <PageHeader
        title="Activity"
        description={
          <>
            Every task asked of the host for{" "}
            <Link href={`/jails/${activity.jail.id}`} className="font-medium text-brand-700 hover:underline">
              {activity.jail.hostname}
            </Link>
            , newest first.
          </>
        }
      />
      {activity.total === 0 ? (
        <EmptyState title="Nothing yet" description="Tasks appear here as soon as they are asked for." />
      ) : (
        <>
          <Table head={["Task", "Asked by", "Asked", "Finished", "Result"]}>
            {activity.jobs.map((j) => (
              <tr key={j.id} data-testid="activity-row">
                <Td>
                  <JobTypeLabel type={j.type} />
                </Td>
                <Td>{j.requestedBy}</Td>
                <Td className="whitespace-nowrap">{formatDateTime(j.createdAt)}</Td>
                <Td className="whitespace-nowrap">{formatDateTime(j.finishedAt)}</Td>
                <Td>
                  <JobStatusBadge status={j.status} />
                  {j.errorText && <p className="mt-1 max-w-md text-xs text-red-700">{j.errorText}</p>}
                </Td>
              </tr>
            ))}
          </Table>
          <Pagination
            page={activity.page}
            pageSize={activity.pageSize}
            total={activity.total}
            basePath={`/jails/${activity.jail.id}/activity`}
          />
        </>
      )}
    </>
  );
}
