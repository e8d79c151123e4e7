"use server";
// A person's own two-factor settings: used by the customer's account page and by the staff
// enrolment page (personAction lets staff in before they have enrolled).
import { revalidatePath } from "next/cache";
import { personAction } from "@/lib/actions/safe-action";
import { startSession } from "@/lib/auth/start-session";
import {
  beginTwoFactorEnrolment,
  confirmTwoFactorEnrolment,
  regenerateRecoveryCodes,
  removeTwoFactor,
} from "@/lib/domain/accounts/two-factor";
import { noInputSchema, totpCodeSchema, twoFactorProofSchema } from "@/lib/schemas/auth";

type Signed = { id: string; name: string; email: string; role: string };

/**
 * These changes end every session of the user (sessionVersion); this browser gets a fresh cookie
 * at the new version so the person acting stays signed in. The client refreshes the page after
 * the action, with that cookie, rather than this response re-rendering it.
 */
const keepThisSession = (user: Signed, sessionVersion: number) => startSession({ ...user, sessionVersion });

export const beginTwoFactorAction = personAction(noInputSchema, async (_input, { actor }) => {
  await beginTwoFactorEnrolment({ actor });
  revalidatePath("/account");
  revalidatePath("/two-factor");
});

export const confirmTwoFactorAction = personAction(totpCodeSchema, async ({ code }, { actor, user }) => {
  const { recoveryCodes, sessionVersion } = await confirmTwoFactorEnrolment({ actor, code });
  await keepThisSession(user, sessionVersion);
  return { ok: true, data: { recoveryCodes } };
});

export const regenerateRecoveryCodesAction = personAction(twoFactorProofSchema, async ({ passwordOrCode }, { actor, user }) => {
  const { recoveryCodes, sessionVersion } = await regenerateRecoveryCodes({ actor, proof: passwordOrCode });
  await keepThisSession(user, sessionVersion);
  return { ok: true, data: { recoveryCodes } };
});

export const removeTwoFactorAction = personAction(twoFactorProofSchema, async ({ passwordOrCode }, { actor, user }) => {
  const { sessionVersion } = await removeTwoFactor({ actor, proof: passwordOrCode });
  await keepThisSession(user, sessionVersion);
  return { ok: true, message: "Two-factor sign-in is off. Your other sessions were ended." };
});
