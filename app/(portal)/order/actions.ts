"use server";
import { redirect } from "next/navigation";
import { actorOf } from "@/lib/actions/customer-actor";
import { customerAction } from "@/lib/actions/safe-action";
import { orderJail } from "@/lib/domain/jails/order-jail";
import { orderJailSchema } from "@/lib/schemas/jails";

export const orderJailAction = customerAction(orderJailSchema, async (input, { user, ip }) => {
  const { jailId } = await orderJail(actorOf(user, ip), input);
  redirect(`/jails/${jailId}`);
});
