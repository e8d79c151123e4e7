"use server";
import { redirect } from "next/navigation";
import { publicAction } from "@/lib/actions/safe-action";
import { startSession } from "@/lib/auth/start-session";
import { homeFor } from "@/lib/auth/session";
import { acceptInvitation } from "@/lib/domain/staff/invite-staff";
import { acceptInvitationSchema } from "@/lib/schemas/staff";

/** The invited member of staff chooses a password and is signed in to their console. */
export const acceptInvitationAction = publicAction(acceptInvitationSchema, async ({ token, password }) => {
  const user = await acceptInvitation({ token, password });
  await startSession(user);
  redirect(homeFor(user.role));
});
