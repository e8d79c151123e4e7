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
import { beginPasskeyRegistration, finishPasskeyRegistration, removePasskey } from "@/lib/domain/accounts/passkeys";
import { noInputSchema, passkeyRegistrationSchema, removePasskeySchema, totpCodeSchema, twoFactorProofSchema } from "@/lib/schemas/auth";
import type { PublicKeyCredentialCreationOptionsJSON, RegistrationResponseJSON } from "@simplewebauthn/server";

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

// ─── passkeys ───

/** Options for the browser's passkey dialog; the challenge in them is stored, single-use, for 3 minutes. */
export const beginPasskeyRegistrationAction = personAction<typeof noInputSchema, { options: PublicKeyCredentialCreationOptionsJSON }>(
  noInputSchema,
  async (_input, { actor }) => ({ ok: true, data: { options: await beginPasskeyRegistration({ actor }) } }),
);

export const finishPasskeyRegistrationAction = personAction(passkeyRegistrationSchema, async ({ name, response }, { actor, user }) => {
  // The shape was checked by the schema; @simplewebauthn/server checks everything else.
  const { sessionVersion } = await finishPasskeyRegistration({ actor, name, response: response as unknown as RegistrationResponseJSON });
  await keepThisSession(user, sessionVersion);
  return { ok: true, message: `Passkey "${name}" added. Your other sessions were ended.` };
});

export const removePasskeyAction = personAction(removePasskeySchema, async ({ passkeyId, passwordOrCode }, { actor, user }) => {
  const { sessionVersion } = await removePasskey({ actor, passkeyId, proof: passwordOrCode });
  await keepThisSession(user, sessionVersion);
  return { ok: true, message: "Passkey removed. Your other sessions were ended." };
});
