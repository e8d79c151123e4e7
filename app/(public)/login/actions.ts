"use server";
import { redirect } from "next/navigation";
import { z } from "zod";
import { publicAction } from "@/lib/actions/safe-action";
import { startSession } from "@/lib/auth/start-session";
import { homeFor } from "@/lib/auth/session";
import { authenticate } from "@/lib/domain/accounts/authenticate";
import { safeNextPath } from "@/lib/http/safe-next-path";

// Deliberately loose: authenticate() normalises the address and answers every wrong or
// malformed pair with the same words, so the form never says which half was wrong.
const logInSchema = z.object({
  email: z.string().max(1000).default(""),
  password: z.string().max(1000).default(""),
  callbackUrl: z.string().max(500).optional(),
});

/** Checks the credentials under the rate limit, starts a session, and continues. */
export const logInAction = publicAction(logInSchema, async ({ email, password, callbackUrl }, { ip }) => {
  const user = await authenticate({ email, password, ip });
  await startSession(user);
  redirect(safeNextPath(callbackUrl, homeFor(user.role)));
});
