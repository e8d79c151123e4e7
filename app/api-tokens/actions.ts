"use server";
// A person's own API tokens: used by the customer's account page and by staff's /api-tokens
// page. The token in clear exists only in the answer of the action that made it.
import { revalidatePath } from "next/cache";
import { personAction } from "@/lib/actions/safe-action";
import { createApiToken, revokeApiToken } from "@/lib/domain/api-tokens/manage-api-tokens";
import { createApiTokenSchema, revokeApiTokenSchema } from "@/lib/schemas/api-tokens";

const refresh = () => {
  revalidatePath("/account");
  revalidatePath("/api-tokens");
};

export const createApiTokenAction = personAction(createApiTokenSchema, async (input, { actor }) => {
  const { token, view } = await createApiToken({ actor, input });
  refresh();
  return { ok: true, data: { token, name: view.name } };
});

export const revokeApiTokenAction = personAction(revokeApiTokenSchema, async ({ tokenId }, { actor }) => {
  await revokeApiToken({ actor, tokenId });
  refresh();
  return { ok: true, message: "Token revoked: it no longer works." };
});
