// Adding and editing templates. Changing where a driver gets the root from (a snapshot, a
// tarball, the lxc recipe) bumps the version: every host builds or fetches the new version once
// (TemplateBuild), and jails already made keep what they were built from until reinstalled.
import { db } from "@/lib/db";
import { AppError, isUniqueViolation, notFound } from "@/lib/errors";
import { Prisma } from "@/lib/generated/prisma/client";
import { recordAudit } from "@/lib/domain/audit/record-audit";
import { assertStaff, type StaffActor } from "@/lib/domain/actor";
import type { CreateTemplateInput, UpdateTemplateInput } from "@/lib/schemas/templates";

const json = (v: unknown) => (v === null ? Prisma.DbNull : (v as Prisma.InputJsonValue));

/** @throws AppError CONFLICT when the slug is taken, VALIDATION when no driver has a source. */
export async function createTemplate({ actor, input }: { actor: StaffActor; input: CreateTemplateInput }) {
  assertStaff(actor, "ADMIN");
  try {
    return await db.$transaction(async (tx) => {
      const template = await tx.template.create({
        data: { ...input, lxcRootfs: input.lxcRootfs ?? undefined },
      });
      await recordAudit(tx, {
        actor,
        action: "template.create",
        targetType: "Template",
        targetId: template.id,
        data: { ...input } as Prisma.InputJsonValue,
      });
      return template;
    });
  } catch (err) {
    if (isUniqueViolation(err))
      throw new AppError("CONFLICT", "A template with that slug exists.", { slug: ["A template with that slug exists."] });
    throw err;
  }
}

/** Whether two recipes (stored JSON) are the same. */
function sameRecipe(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/**
 * Saves the template; a change of any source bumps its version.
 * @returns the new version and whether it changed. @throws AppError NOT_FOUND.
 */
export async function updateTemplate({ actor, input }: { actor: StaffActor; input: UpdateTemplateInput }) {
  assertStaff(actor, "ADMIN");
  const { templateId, ...data } = input;
  return db.$transaction(async (tx) => {
    const [locked] = await tx.$queryRaw<Array<{ id: string }>>`SELECT "id" FROM "Template" WHERE "id" = ${templateId} FOR UPDATE`;
    if (!locked) throw notFound("That template");
    const before = await tx.template.findUniqueOrThrow({ where: { id: templateId } });
    const sourceChanged =
      before.zfsSnapshot !== data.zfsSnapshot ||
      before.tarballPath !== data.tarballPath ||
      before.lxcTemplate !== data.lxcTemplate ||
      !sameRecipe(before.lxcRootfs, data.lxcRootfs);
    const version = sourceChanged ? before.version + 1 : before.version;
    await tx.template.update({
      where: { id: templateId },
      data: { ...data, lxcRootfs: json(data.lxcRootfs), version },
    });
    await recordAudit(tx, {
      actor,
      action: "template.update",
      targetType: "Template",
      targetId: templateId,
      data: {
        sourceChanged,
        version,
        before: {
          zfsSnapshot: before.zfsSnapshot,
          tarballPath: before.tarballPath,
          lxcTemplate: before.lxcTemplate,
          lxcRootfs: before.lxcRootfs ?? null,
        },
        after: { ...data } as Prisma.InputJsonValue,
      } as Prisma.InputJsonValue,
    });
    return { version, sourceChanged };
  });
}

/** Retires a template (no new orders; jails made from it keep it and can be reinstalled) or puts it back. */
export async function setTemplateAvailable({
  actor,
  templateId,
  available,
}: {
  actor: StaffActor;
  templateId: string;
  available: boolean;
}) {
  assertStaff(actor, "ADMIN");
  return db.$transaction(async (tx) => {
    const t = await tx.template.findUnique({ where: { id: templateId }, select: { id: true, slug: true } });
    if (!t) throw notFound("That template");
    const { count } = await tx.template.updateMany({ where: { id: templateId, active: !available }, data: { active: available } });
    if (count !== 1)
      throw new AppError("PRECONDITION", available ? "This template is offered already." : "This template is retired already.");
    await recordAudit(tx, {
      actor,
      action: available ? "template.reinstate" : "template.retire",
      targetType: "Template",
      targetId: templateId,
      data: { slug: t.slug },
    });
  });
}
