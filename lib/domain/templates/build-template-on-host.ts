// An admin prepares a template on a host ahead of the first order (or again after a failed
// build), through the same BUILD_TEMPLATE path an order takes.
import { db } from "@/lib/db";
import { AppError, notFound } from "@/lib/errors";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import { ensureTemplateBuild, templateNeedsBuild } from "./ensure-template-build";

/** @throws AppError NOT_FOUND, PRECONDITION (no build needed, or the host is not in service). */
export async function buildTemplateOnHost({ actor, templateId, hostId }: { actor: StaffActor; templateId: string; hostId: string }) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const [template, host] = await Promise.all([
      tx.template.findUnique({ where: { id: templateId } }),
      tx.host.findFirst({ where: { id: hostId, removedAt: null }, select: { id: true, name: true, driver: true, enrolledAt: true } }),
    ]);
    if (!template) throw notFound("That template");
    if (!host) throw notFound("That host");
    if (!host.enrolledAt) throw new AppError("PRECONDITION", `${host.name} has not enrolled yet.`);
    if (!templateNeedsBuild(host.driver, template)) throw new AppError("PRECONDITION", `${host.name} needs no build of this template.`);
    const build = await ensureTemplateBuild(tx, { host, template, requestedById: actor.userId });
    await recordAudit(tx, {
      actor,
      action: "template.build",
      targetType: "Template",
      targetId: template.id,
      data: { hostId: host.id, version: template.version, jobId: build?.jobId ?? null },
    });
    return { jobId: build?.jobId ?? null };
  });
}
