"use server";
import { redirect } from "next/navigation";
import { publicAction } from "@/lib/actions/safe-action";
import { startSession } from "@/lib/auth/start-session";
import { homeFor } from "@/lib/auth/session";
import { clearSecondFactorTicket, currentSecondFactorTicket, setSecondFactorTicket } from "@/lib/auth/second-factor-ticket";
import { authenticate } from "@/lib/domain/accounts/authenticate";
import { completeSecondFactorSignIn } from "@/lib/domain/accounts/two-factor";
import { beginPasskeySignIn, completePasskeySignIn } from "@/lib/domain/accounts/passkeys";
import { safeNextPath } from "@/lib/http/safe-next-path";
import { loginSchema, noInputSchema, passkeySignInSchema, secondFactorSchema } from "@/lib/schemas/auth";
import type { AuthenticationResponseJSON, PublicKeyCredentialRequestOptionsJSON } from "@simplewebauthn/server";

/** `/login` showing `step`, passing on where to go afterwards (if it is a path on this site). */
function loginPath(step: Record<string, string>, callbackUrl?: string): string {
  const q = new URLSearchParams(step);
  const next = callbackUrl ? safeNextPath(callbackUrl, "") : "";
  if (next) q.set("callbackUrl", next);
  return `/login?${q}`;
}

/**
 * Checks the credentials under the rate limit. Without two-factor sign-in it starts the session
 * and continues; with it, it sets the short-lived "password ok" ticket (lib/auth/second-factor-ticket.ts)
 * and asks for the code. No session exists before the second factor.
 */
export const logInAction = publicAction(loginSchema, async ({ email, password, callbackUrl }, { ip }) => {
  const outcome = await authenticate({ email, password, ip });
  if (outcome.status === "second-factor") {
    await setSecondFactorTicket(outcome);
    redirect(loginPath({ step: "code" }, callbackUrl));
  }
  await startSession(outcome.user);
  redirect(safeNextPath(callbackUrl, homeFor(outcome.user.role)));
});

/** The second step: the ticket from the cookie (never the form) and a code, then the session. */
export const secondFactorAction = publicAction(secondFactorSchema, async ({ code, callbackUrl }, { ip }) => {
  const ticket = await currentSecondFactorTicket();
  if (!ticket) redirect(loginPath({ expired: "1" }, callbackUrl));
  const user = await completeSecondFactorSignIn({ userId: ticket.userId, sessionVersion: ticket.sessionVersion, code, ip });
  await clearSecondFactorTicket();
  await startSession(user);
  redirect(safeNextPath(callbackUrl, homeFor(user.role)));
});

/**
 * "Use a passkey" at the second step: options for the browser's dialog, with a challenge bound
 * to this ticket (single-use, 3 minutes). No ticket: the sign-in expired.
 */
export const beginPasskeySignInAction = publicAction<typeof noInputSchema, { options: PublicKeyCredentialRequestOptionsJSON }>(
  noInputSchema,
  async (_input, { ip }) => {
    const ticket = await currentSecondFactorTicket();
    if (!ticket) return { error: "Your sign-in expired. Enter your e-mail address and password again." };
    const options = await beginPasskeySignIn({ ticket, ip });
    return { ok: true, data: { options } };
  },
);

/** The passkey's answer, checked under the sign-in rate limit; then the session. */
export const passkeySignInAction = publicAction(passkeySignInSchema, async ({ response, callbackUrl }, { ip }) => {
  const ticket = await currentSecondFactorTicket();
  if (!ticket) redirect(loginPath({ expired: "1" }, callbackUrl));
  // The shape was checked by the schema; @simplewebauthn/server checks everything else.
  const user = await completePasskeySignIn({ ticket, response: response as unknown as AuthenticationResponseJSON, ip });
  await clearSecondFactorTicket();
  await startSession(user);
  redirect(safeNextPath(callbackUrl, homeFor(user.role)));
});

/** "Use another login": drops the ticket and shows the password form again. */
export const cancelSecondFactorAction = publicAction(noInputSchema, async () => {
  await clearSecondFactorTicket();
  redirect("/login");
});
