"use server";
import { redirect } from "next/navigation";
import { customerAction } from "@/lib/actions/safe-action";
import { orderJail } from "@/lib/domain/jails/order-jail";
import { orderJailSchema } from "@/lib/schemas/jails";

export const orderJailAction = customerAction(orderJailSchema, async (input, { actor }) => {
  const { jailId } = await orderJail({ actor, input });
  redirect(`/jails/${jailId}`);
});
