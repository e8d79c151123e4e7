"use server";
import { publicAction } from "@/lib/actions/safe-action";
import { requestPasswordReset } from "@/lib/domain/accounts/password-reset";
import { requestPasswordResetSchema } from "@/lib/schemas/auth";

export const requestPasswordResetAction = publicAction(requestPasswordResetSchema, async ({ email }, { ip }) => {
  await requestPasswordReset({ email, ip });
  // The same answer whether or not the address has a login.
  return { ok: true, message: "If that address has a Cellblock login, a reset link is on its way. It expires in an hour." };
});
