"use server";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/actions/safe-action";
import { createTemplate, setTemplateAvailable, updateTemplate } from "@/lib/domain/templates/save-template";
import { buildTemplateOnHost } from "@/lib/domain/templates/build-template-on-host";
import { buildTemplateSchema, createTemplateSchema, templateIdSchema, updateTemplateSchema } from "@/lib/schemas/templates";

export const createTemplateAction = adminAction(createTemplateSchema, async (input, { actor }) => {
  const t = await createTemplate({ actor, input });
  redirect(`/admin/templates/${t.id}?created=1`);
});

export const updateTemplateAction = adminAction(updateTemplateSchema, async (input, { actor }) => {
  const { version, sourceChanged } = await updateTemplate({ actor, input });
  revalidatePath(`/admin/templates/${input.templateId}`);
  return {
    ok: true,
    message: sourceChanged ? `Saved as version ${version}: each host prepares it before its next jail from this template.` : "Saved.",
  };
});

export const retireTemplateAction = adminAction(templateIdSchema, async ({ templateId }, { actor }) => {
  await setTemplateAvailable({ actor, templateId, available: false });
  revalidatePath(`/admin/templates/${templateId}`);
  return { ok: true, message: "Retired: no new orders. Jails made from it keep it and can still be reinstalled." };
});

export const reinstateTemplateAction = adminAction(templateIdSchema, async ({ templateId }, { actor }) => {
  await setTemplateAvailable({ actor, templateId, available: true });
  revalidatePath(`/admin/templates/${templateId}`);
  return { ok: true, message: "Offered again." };
});

export const buildTemplateAction = adminAction(buildTemplateSchema, async ({ templateId, hostId }, { actor }) => {
  await buildTemplateOnHost({ actor, templateId, hostId });
  revalidatePath(`/admin/templates/${templateId}`);
  return { ok: true, message: "Build queued." };
});
