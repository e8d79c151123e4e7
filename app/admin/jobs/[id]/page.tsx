import type { Metadata } from "next";
import { JobButtons } from "@/components/admin/job-buttons";
import { JobStatusBadge } from "@/components/jobs/job-labels";
import { Card, CardBody, CardHeader, DefinitionList } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { requireAdminPage } from "@/lib/auth/session";
import { getJob } from "@/lib/domain/jobs/list-jobs";
import { scrubbed } from "@/lib/domain/jobs/end-job";
import { readForPage } from "@/lib/http/page-read";
import { formatDateTime } from "@/lib/format";

export const metadata: Metadata = { title: "Job" };

export default async function JobPage({ params }: { params: Promise<{ id: string }> }) {
  const { actor } = await requireAdminPage();
  const job = await readForPage((await params).id, (jobId) => getJob({ actor, jobId }));
  return (
    <>
      <PageHeader
        title={`${job.type.toLowerCase()} job`}
        description={job.id}
        actions={
          <>
            <JobStatusBadge status={job.status} />
            <JobButtons jobId={job.id} status={job.status} />
          </>
        }
      />
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader title="Details" />
          <CardBody>
            <DefinitionList
              items={[
                ["Host", job.host.name],
                ["Jail", job.jail ? `${job.jail.hostname} (${job.jail.name})` : "—"],
                ["Requested by", job.requestedBy?.email ?? "system"],
                ["Attempts", `${job.attempts} of ${job.maxAttempts}`],
                ["Queued", formatDateTime(job.createdAt)],
                ["Started", formatDateTime(job.startedAt)],
                ["Finished", formatDateTime(job.finishedAt)],
                [
                  "Idempotency key",
                  <code key="k" className="text-xs">
                    {job.idempotencyKey}
                  </code>,
                ],
              ]}
            />
            {job.error && <p className="mt-4 rounded bg-red-50 p-3 text-sm text-red-800">{job.error}</p>}
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Payload" description="Secrets are never shown." />
          <CardBody>
            <pre className="overflow-x-auto whitespace-pre-wrap font-mono text-xs">{JSON.stringify(scrubbed(job), null, 2)}</pre>
          </CardBody>
        </Card>
      </div>
      {(job.output || job.result) && (
        <Card className="mt-6">
          <CardHeader title="Output" />
          <CardBody>
            {job.result && <pre className="mb-3 font-mono text-xs">{JSON.stringify(job.result, null, 2)}</pre>}
            {job.output && (
              <pre className="max-h-96 overflow-auto whitespace-pre-wrap rounded bg-zinc-900 p-3 font-mono text-xs text-zinc-100">
                {job.output}
              </pre>
            )}
          </CardBody>
        </Card>
      )}
    </>
  );
}
