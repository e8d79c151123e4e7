"use server";
import { redirect } from "next/navigation";
import { publicAction } from "@/lib/actions/safe-action";
import { resetPassword } from "@/lib/domain/accounts/password-reset";
import { resetPasswordSchema } from "@/lib/schemas/auth";

export const resetPasswordAction = publicAction(resetPasswordSchema, async ({ token, password }) => {
  await resetPassword({ token, password });
  redirect("/login?reset=1");
});
