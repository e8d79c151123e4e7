"use server";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/actions/safe-action";
import { webConfig } from "@/lib/config/server";
import { createHost, issueEnrollToken } from "@/lib/domain/hosts/create-host";
import { setHostStatus } from "@/lib/domain/hosts/set-host-status";
import { createHostSchema, hostIdSchema, hostStatusSchema } from "@/lib/schemas/hosts";

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
