"use server";
import { redirect } from "next/navigation";
import { publicAction } from "@/lib/actions/safe-action";
import { startSession } from "@/lib/auth/start-session";
import { homeFor } from "@/lib/auth/session";
import { authenticate } from "@/lib/domain/accounts/authenticate";
import { safeNextPath } from "@/lib/http/safe-next-path";
import { loginSchema } from "@/lib/schemas/auth";

/** Checks the credentials under the rate limit, starts a session, and continues. */
export const logInAction = publicAction(loginSchema, async ({ email, password, callbackUrl }, { ip }) => {
  const user = await authenticate({ email, password, ip });
  await startSession(user);
  redirect(safeNextPath(callbackUrl, homeFor(user.role)));
});
