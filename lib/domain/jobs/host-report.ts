import { JOB_OUTPUT_MAX_CHARS } from "@/lib/schemas/agent";

/**
 * What an enrolled host reports about one of its jobs (progress or completion): the host that
 * reports (authenticated by the route), the job, the report as the agent API's schema parsed it,
 * and the server's clock (tests inject it).
 */
export type HostJobReport<Report> = { hostId: string; jobId: string; report: Report; now?: Date };

/** The tail of a command's output a job row keeps (JOB_OUTPUT_MAX_CHARS of it); null for none. */
export function outputTail(output: string | null | undefined): string | null {
  return output ? output.slice(-JOB_OUTPUT_MAX_CHARS) : null;
}
