"use server";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/actions/safe-action";
import { webConfig } from "@/lib/config/server";
import { createHost, issueEnrollToken } from "@/lib/domain/hosts/create-host";
import { setHostStatus } from "@/lib/domain/hosts/set-host-status";
import {
  createHostSchema,
  evacuateHostSchema,
  hostConfirmSchema,
  hostIdSchema,
  hostStatusSchema,
  moveJailSchema,
  removeHostSchema,
  updateHostSchema,
} from "@/lib/schemas/hosts";
import { declareHostDead, evacuateHost, wipeEvacuatedCopies } from "@/lib/domain/migrations/evacuate-host";
import { moveJail } from "@/lib/domain/migrations/move-jail";
import { drainHost } from "@/lib/domain/migrations/drain-host";
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

export const declareHostDeadAction = adminAction(hostConfirmSchema, async ({ hostId, confirmName }, { actor }) => {
  const r = await declareHostDead({ actor, hostId, confirmName });
  revalidatePath(`/admin/hosts/${hostId}`);
  revalidatePath(`/admin/hosts/${hostId}/evacuate`);
  return {
    ok: true,
    message: `Declared dead and fenced: ${r.cancelledJobs} queued job(s) cancelled, ${r.destroyedJails} cancelled jail(s) destroyed. Review the plan below.`,
  };
});

export const evacuateHostAction = adminAction(evacuateHostSchema, async ({ hostId, confirmName, targetHostIds }, { actor }) => {
  const r = await evacuateHost({ actor, hostId, confirmName, targetHostIds: targetHostIds.length ? targetHostIds : undefined });
  revalidatePath(`/admin/hosts/${hostId}/evacuate`);
  return {
    ok: true,
    message:
      `${r.sent} jail(s) are being restored on other hosts.` +
      (r.leftForRoom ? ` ${r.leftForRoom} could not be placed: add or activate a host, then evacuate again.` : ""),
  };
});

export const drainHostAction = adminAction(evacuateHostSchema, async ({ hostId, confirmName, targetHostIds }, { actor }) => {
  const r = await drainHost({ actor, hostId, confirmName, targetHostIds: targetHostIds.length ? targetHostIds : undefined });
  revalidatePath(`/admin/hosts/${hostId}`);
  revalidatePath(`/admin/hosts/${hostId}/evacuate`);
  return {
    ok: true,
    message:
      `Draining: ${r.moving} jail(s) are moving.` + (r.left ? ` ${r.left} wait (busy, or no host has room): drain again later.` : ""),
  };
});

export const wipeEvacuatedCopiesAction = adminAction(hostConfirmSchema, async ({ hostId, confirmName }, { actor }) => {
  const r = await wipeEvacuatedCopies({ actor, hostId, confirmName });
  revalidatePath(`/admin/hosts/${hostId}/evacuate`);
  return { ok: true, message: `${r.queued} copy(ies) will be destroyed if the host's agent comes back.` };
});

export const moveJailAction = adminAction(moveJailSchema, async (input, { actor }) => {
  await moveJail({ actor, ...input });
  revalidatePath(`/admin/jails/${input.jailId}`);
  return { ok: true, message: "Moving: a live copy first, then the jail stops for its final copy and starts on the new host." };
});
