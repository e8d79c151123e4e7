"use server";
// The jail page's actions. Each one takes the jail id from the form, the account from the
// session, and hands both to one domain function, which scopes every read and write to that
// account: another customer's jail id is "not found" and changes nothing.
import { refresh } from "next/cache";
import { actorOf } from "@/lib/actions/customer-actor";
import { customerAction } from "@/lib/actions/safe-action";
import { startJail, stopJail, restartJail } from "@/lib/domain/jails/change-jail-power";
import { reinstallJail } from "@/lib/domain/jails/reinstall-jail";
import { cancelJail } from "@/lib/domain/jails/cancel-jail";
import { changeJailPlan } from "@/lib/domain/jails/change-jail-plan";
import { setRootPassword } from "@/lib/domain/jails/set-root-password";
import { addSshKey, removeSshKey } from "@/lib/domain/jails/manage-ssh-keys";
import {
  addSshKeySchema,
  changePlanSchema,
  confirmedJailSchema,
  jailRefSchema,
  removeSshKeySchema,
  rootPasswordSchema,
} from "@/lib/schemas/jails";

export const startJailAction = customerAction(jailRefSchema, async ({ jailId }, { user, ip }) => {
  await startJail(actorOf(user, ip), jailId);
  refresh();
  return { ok: true, message: "Starting the jail…" };
});

export const stopJailAction = customerAction(jailRefSchema, async ({ jailId }, { user, ip }) => {
  await stopJail(actorOf(user, ip), jailId);
  refresh();
  return { ok: true, message: "Stopping the jail…" };
});

export const restartJailAction = customerAction(jailRefSchema, async ({ jailId }, { user, ip }) => {
  await restartJail(actorOf(user, ip), jailId);
  refresh();
  return { ok: true, message: "Restarting the jail…" };
});

export const reinstallJailAction = customerAction(confirmedJailSchema, async ({ jailId, confirmHostname }, { user, ip }) => {
  await reinstallJail(actorOf(user, ip), jailId, confirmHostname);
  refresh();
  return { ok: true, message: "Reinstalling from the template…" };
});

export const cancelJailAction = customerAction(confirmedJailSchema, async ({ jailId, confirmHostname }, { user, ip }) => {
  await cancelJail(actorOf(user, ip), jailId, confirmHostname);
  refresh();
  return { ok: true, message: "The jail is being cancelled." };
});

export const changePlanAction = customerAction(changePlanSchema, async ({ jailId, plan }, { user, ip }) => {
  const res = await changeJailPlan(actorOf(user, ip), jailId, plan);
  refresh();
  return {
    ok: true,
    message: res.direction === "upgrade" ? "Upgraded: the new limits are being applied." : "Downgraded: the new limits are being applied.",
  };
});

export const setRootPasswordAction = customerAction(rootPasswordSchema, async ({ jailId, password }, { user, ip }) => {
  await setRootPassword(actorOf(user, ip), jailId, password);
  refresh();
  return { ok: true, message: "The new root password is on its way to the jail." };
});

export const addSshKeyAction = customerAction(addSshKeySchema, async ({ jailId, publicKey, label }, { user, ip }) => {
  await addSshKey(actorOf(user, ip), jailId, publicKey, label);
  refresh();
  return { ok: true, message: `Key ${publicKey.fingerprint} added.` };
});

export const removeSshKeyAction = customerAction(removeSshKeySchema, async ({ jailId, keyId }, { user, ip }) => {
  await removeSshKey(actorOf(user, ip), jailId, keyId);
  refresh();
  return { ok: true, message: "Key removed." };
});
