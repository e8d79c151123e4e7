"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { publicAction } from "@/lib/actions/safe-action";
import { startSession } from "@/lib/auth/start-session";
import { signUp } from "@/lib/domain/accounts/sign-up";
import { safeNextPath } from "@/lib/http/safe-next-path";
import { signUpSchema } from "@/lib/schemas/auth";

const signUpFormSchema = signUpSchema.extend({ next: z.string().max(500).optional() });

/** Creates the account, signs the new customer in, and continues to `next` (the order path). */
export const signUpAction = publicAction(signUpFormSchema, async ({ next, ...input }, { ip }) => {
  const { user } = await signUp({ input, ip });
  await startSession(user);
  redirect(safeNextPath(next, "/dashboard"));
});
