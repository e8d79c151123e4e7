// The seed's skeletons: a host builds each template version once (BUILD_TEMPLATE, mmdebstrap on
// the lxc driver) and unpacks it per jail. A jail ordered before its host has the template
// waits on that build job; a failed build is queued again by the next jail that needs it.
import crypto from "node:crypto";
import type { Tx } from "@/lib/db";
import type { Template } from "@/lib/generated/prisma/client";
import { enqueueJob } from "@/lib/domain/jobs/enqueue-job";
import { templateSpecOf } from "@/lib/domain/jails/jail-spec";

/** Whether a host with `driver` must build `template` before making jails from it. */
export function templateNeedsBuild(driver: "LXC" | "FREEBSD", template: Pick<Template, "lxcRootfs">): boolean {
  // FreeBSD hosts clone a ZFS snapshot or unpack a tarball the admin prepared; busybox comes
  // from lxc-create itself. Only a real-OS recipe is built on the host.
  return driver === "LXC" && template.lxcRootfs != null;
}

/**
 * Makes sure the host has (or is building) the template's current version, in `tx`.
 * @returns the build job a jail's CREATE / REINSTALL must wait for, or null when the template is
 *   ready on the host or needs no build.
 */
export async function ensureTemplateBuild(
  tx: Tx,
  {
    host,
    template,
    requestedById = null,
  }: { host: { id: string; driver: "LXC" | "FREEBSD" }; template: Template; requestedById?: string | null },
): Promise<{ jobId: string } | null> {
  if (!templateNeedsBuild(host.driver, template)) return null;
  // Insert-if-absent, then lock: two orders racing for the first jail of a template on a host
  // queue one build between them.
  await tx.templateBuild.createMany({
    data: [{ hostId: host.id, templateId: template.id, version: template.version }],
    skipDuplicates: true,
  });
  const [build] = await tx.$queryRaw<Array<{ id: string; status: string; jobId: string | null }>>`
    SELECT "id", "status"::text AS "status", "jobId" FROM "TemplateBuild"
    WHERE "hostId" = ${host.id} AND "templateId" = ${template.id} AND "version" = ${template.version}
    FOR UPDATE`;
  if (!build) throw new Error("ensureTemplateBuild: the build row vanished");
  if (build.status === "READY") return null;
  if (build.jobId) {
    const job = await tx.job.findUnique({ where: { id: build.jobId }, select: { status: true } });
    if (job && (job.status === "QUEUED" || job.status === "RUNNING")) return { jobId: build.jobId };
  }
  const job = await enqueueJob(tx, {
    hostId: host.id,
    type: "BUILD_TEMPLATE",
    payload: { template: templateSpecOf(template) },
    requestedById,
    idempotencyKey: `build:${host.id}:${template.id}:v${template.version}:${crypto.randomUUID()}`,
    maxAttempts: 3,
  });
  await tx.templateBuild.update({ where: { id: build.id }, data: { status: "QUEUED", jobId: job.id, error: null } });
  return { jobId: job.id };
}
