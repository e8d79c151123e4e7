"use server";
import { publicAction } from "@/lib/actions/safe-action";
import { signUp } from "@/lib/domain/accounts/sign-up";
import { signUpSchema } from "@/lib/schemas/auth";

export const signUpAction = publicAction(signUpSchema, async (input, { ip }) => {
  await signUp(input, ip);
  return { ok: true, message: "Your account is ready." };
});
