"use server";
import { redirect } from "next/navigation";
import { customerAction } from "@/lib/actions/safe-action";
import { changePassword } from "@/lib/domain/accounts/change-password";
import { changePasswordSchema } from "@/lib/schemas/auth";

export const changePasswordAction = customerAction(changePasswordSchema, async (input, { actor }) => {
  await changePassword({ actor, currentPassword: input.currentPassword, password: input.password });
  // Every session, this one included, has ended: sign in again with the new password.
  redirect("/login?changed=1");
});
