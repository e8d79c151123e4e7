"use server";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/actions/safe-action";
import { webConfig } from "@/lib/config/server";
import { createHost, issueEnrollToken } from "@/lib/domain/hosts/create-host";
import { setHostStatus } from "@/lib/domain/hosts/set-host-status";
import { createHostSchema, hostIdSchema, hostStatusSchema, removeHostSchema, updateHostSchema } from "@/lib/schemas/hosts";
import { redirect } from "next/navigation";
import { updateHost } from "@/lib/domain/hosts/update-host";
import { removeHost } from "@/lib/domain/hosts/remove-host";
import { adoptUnexpectedJail, repairDrift } from "@/lib/domain/hosts/repair-drift";
import { adoptJailSchema, repairDriftSchema } from "@/lib/schemas/admin";

export type EnrollmentData = { hostId: string; hostName: string; token: string; appUrl: string };

export const createHostAction = adminAction(createHostSchema, async (input, { actor }) => {
  const { host, token } = await createHost({ actor, input });
  revalidatePath("/admin/hosts");
  return { ok: true, data: { hostId: host.id, hostName: host.name, token, appUrl: webConfig().APP_URL } satisfies EnrollmentData };
});

export const issueEnrollTokenAction = adminAction(hostIdSchema, async ({ hostId }, { actor }) => {
  const token = await issueEnrollToken({ actor, hostId });
  return { ok: true, data: { hostId, hostName: "", token, appUrl: webConfig().APP_URL } satisfies EnrollmentData };
});

export const setHostStatusAction = adminAction(hostStatusSchema, async ({ hostId, status }, { actor }) => {
  await setHostStatus({ actor, hostId, status });
  revalidatePath(`/admin/hosts/${hostId}`);
  return { ok: true, message: `Host is now ${status.toLowerCase()}.` };
});

export const updateHostAction = adminAction(updateHostSchema, async (input, { actor }) => {
  await updateHost({ actor, input });
  revalidatePath(`/admin/hosts/${input.hostId}`);
  return { ok: true, message: "Saved." };
});

export const removeHostAction = adminAction(removeHostSchema, async ({ hostId, confirmName }, { actor }) => {
  const how = await removeHost({ actor, hostId, confirmName });
  revalidatePath("/admin/hosts");
  redirect(`/admin/hosts?removed=${how}`);
});

const REPAIRED = {
  recreate: "Recreate queued: the host builds the jail again from its template.",
  destroy: "Destroy queued.",
  converge: "Queued: the host follows the panel.",
  accept: "The panel now says what the host says.",
} as const;

export const repairDriftAction = adminAction(repairDriftSchema, async ({ driftId, action }, { actor }) => {
  await repairDrift({ actor, driftId, action });
  revalidatePath("/admin/hosts");
  return { ok: true, message: REPAIRED[action] };
});

export const adoptJailAction = adminAction(adoptJailSchema, async (input, { actor }) => {
  const { jailId } = await adoptUnexpectedJail({ actor, ...input });
  redirect(`/admin/jails/${jailId}`);
});
