"use server";
import { redirect } from "next/navigation";
import { revalidatePath } from "next/cache";
import { adminAction } from "@/lib/actions/safe-action";
import { createIpPool } from "@/lib/domain/ipam/create-ip-pool";
import { addIpRange } from "@/lib/domain/ipam/add-ip-range";
import { retireIpPool, retireIpRange } from "@/lib/domain/ipam/retire-ip-range";
import { holdIpAddress, releaseIpAddressHold } from "@/lib/domain/ipam/hold-ip-address";
import { createHostGroup } from "@/lib/domain/hosts/create-host-group";
import {
  addIpRangeSchema,
  createHostGroupSchema,
  createIpPoolSchema,
  holdAddressSchema,
  ipPoolIdSchema,
  ipRangeIdSchema,
  releaseHoldSchema,
} from "@/lib/schemas/ipam";

export const createIpPoolAction = adminAction(createIpPoolSchema, async (input, { actor }) => {
  const pool = await createIpPool({ actor, input });
  redirect(`/admin/ip-pools/${pool.id}?created=1`);
});

export const addIpRangeAction = adminAction(addIpRangeSchema, async ({ poolId, cidr }, { actor }) => {
  await addIpRange({ actor, poolId, cidr });
  revalidatePath(`/admin/ip-pools/${poolId}`);
  return { ok: true, message: `${cidr} added.` };
});

// A retired range or pool loses its Retire button, and the confirmation form with it: the
// outcome is told by the pool's page itself.
export const retireIpRangeAction = adminAction(ipRangeIdSchema, async ({ rangeId }, { actor }) => {
  const r = await retireIpRange({ actor, rangeId });
  revalidatePath("/admin/ip-pools");
  redirect(`/admin/ip-pools/${r.poolId}?retired=range&kept=${r.stillAssigned}`);
});

export const retireIpPoolAction = adminAction(ipPoolIdSchema, async ({ poolId }, { actor }) => {
  const r = await retireIpPool({ actor, poolId });
  revalidatePath("/admin/ip-pools");
  redirect(`/admin/ip-pools/${poolId}?retired=pool&kept=${r.stillAssigned}`);
});

export const holdAddressAction = adminAction(holdAddressSchema, async ({ poolId, address, reason }, { actor }) => {
  await holdIpAddress({ actor, poolId, address, reason });
  revalidatePath(`/admin/ip-pools/${poolId}`);
  return { ok: true, message: `${address} is held back: it will not be handed out.` };
});

export const releaseHoldAction = adminAction(releaseHoldSchema, async ({ addressId }, { actor }) => {
  await releaseIpAddressHold({ actor, addressId });
  revalidatePath("/admin/ip-pools");
  return { ok: true, message: "Released: it can be handed out again." };
});

export const createHostGroupAction = adminAction(createHostGroupSchema, async ({ name, description }, { actor }) => {
  await createHostGroup({ actor, name, description });
  revalidatePath("/admin/ip-pools");
  return { ok: true, message: `Group ${name} created. Add hosts to it from each host's Edit page.` };
});
