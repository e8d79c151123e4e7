"use server";
// The jail page's actions. Each one takes the jail id from the form, the account from the
// session, and hands both to one domain function, which scopes every read and write to that
// account: another customer's jail id is "not found" and changes nothing.
import { refresh } from "next/cache";
import { customerAction } from "@/lib/actions/safe-action";
import { startJail, stopJail, restartJail } from "@/lib/domain/jails/change-jail-power";
import { reinstallJail } from "@/lib/domain/jails/reinstall-jail";
import { cancelJail } from "@/lib/domain/jails/cancel-jail";
import { changeJailPlan } from "@/lib/domain/jails/change-jail-plan";
import { setRootPassword } from "@/lib/domain/jails/set-root-password";
import { addSshKey, removeSshKey } from "@/lib/domain/jails/manage-ssh-keys";
import { requestConsoleTicket } from "@/lib/domain/console/request-console-ticket";
import { requestBackup } from "@/lib/domain/backups/request-backup";
import { restoreBackup } from "@/lib/domain/backups/restore-backup";
import { backupNowSchema, restoreBackupSchema } from "@/lib/schemas/backups";
import {
  addSshKeySchema,
  changePlanSchema,
  confirmedJailSchema,
  jailRefSchema,
  reinstallJailSchema,
  removeSshKeySchema,
  rootPasswordSchema,
} from "@/lib/schemas/jails";

export const startJailAction = customerAction(jailRefSchema, async ({ jailId }, { actor }) => {
  await startJail({ actor, jailId });
  refresh();
  return { ok: true, message: "Starting the jail…" };
});

export const stopJailAction = customerAction(jailRefSchema, async ({ jailId }, { actor }) => {
  await stopJail({ actor, jailId });
  refresh();
  return { ok: true, message: "Stopping the jail…" };
});

export const restartJailAction = customerAction(jailRefSchema, async ({ jailId }, { actor }) => {
  await restartJail({ actor, jailId });
  refresh();
  return { ok: true, message: "Restarting the jail…" };
});

export const reinstallJailAction = customerAction(reinstallJailSchema, async ({ jailId, confirmHostname, rootPassword }, { actor }) => {
  await reinstallJail({ actor, jailId, confirmHostname, rootPassword });
  refresh();
  return { ok: true, message: "Reinstalling from the template…" };
});

export const cancelJailAction = customerAction(confirmedJailSchema, async ({ jailId, confirmHostname }, { actor }) => {
  await cancelJail({ actor, jailId, confirmHostname });
  refresh();
  return { ok: true, message: "The jail is being cancelled." };
});

export const changePlanAction = customerAction(changePlanSchema, async ({ jailId, plan }, { actor }) => {
  const res = await changeJailPlan({ actor, jailId, planSlug: plan });
  refresh();
  return {
    ok: true,
    message: res.direction === "upgrade" ? "Upgraded: the new limits are being applied." : "Downgraded: the new limits are being applied.",
  };
});

export const setRootPasswordAction = customerAction(rootPasswordSchema, async ({ jailId, password }, { actor }) => {
  await setRootPassword({ actor, jailId, password });
  refresh();
  return { ok: true, message: "The new root password is on its way to the jail." };
});

export const addSshKeyAction = customerAction(addSshKeySchema, async ({ jailId, publicKey, label }, { actor }) => {
  await addSshKey({ actor, jailId, key: publicKey, label });
  refresh();
  return { ok: true, message: `Key ${publicKey.fingerprint} added.` };
});

export const removeSshKeyAction = customerAction(removeSshKeySchema, async ({ jailId, keyId }, { actor }) => {
  await removeSshKey({ actor, jailId, keyId });
  refresh();
  return { ok: true, message: "Key removed." };
});

export const backupNowAction = customerAction(backupNowSchema, async ({ jailId }, { actor }) => {
  await requestBackup({ actor, jailId });
  refresh();
  return { ok: true, message: "Backing up: the host copies the jail's disk and sends it to the backup server." };
});

export const restoreBackupAction = customerAction(restoreBackupSchema, async ({ jailId, backupId, confirmHostname }, { actor }) => {
  await restoreBackup({ actor, jailId, backupId, confirmHostname });
  refresh();
  return { ok: true, message: "Restoring: the jail stops, its files are replaced by the backup's, and it starts again." };
});

/** A one-time console ticket for the page's WebSocket (lib/server/console-gateway.ts); nothing on the page changes. */
export const openConsoleAction = customerAction(jailRefSchema, async ({ jailId }, { actor }) => {
  const { ticket, expiresAt } = await requestConsoleTicket({ actor, jailId });
  return { ok: true, data: { ticket, expiresAt: expiresAt.toISOString() } };
});
