"use server";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/actions/safe-action";
import { addReservedName, removeReservedName } from "@/lib/domain/hostnames/reserved-names";
import { reservedNameIdSchema, reservedNameSchema } from "@/lib/schemas/hosts";

export const addReservedNameAction = adminAction(reservedNameSchema, async (input, { actor }) => {
  await addReservedName({ actor, ...input });
  revalidatePath("/admin/reserved-names");
  return { ok: true, message: `${input.value} is reserved.` };
});

export const removeReservedNameAction = adminAction(reservedNameIdSchema, async ({ id }, { actor }) => {
  await removeReservedName({ actor, id });
  revalidatePath("/admin/reserved-names");
  return { ok: true, message: "Released." };
});
