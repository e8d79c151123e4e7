// Forms and filters of the admin console's customer and jail pages.
import { z } from "zod";
import { fqdn } from "./net";
import { id, text } from "./common";

export const customerQuery = z.string().trim().max(254).catch("");

export const JAIL_STATES = ["QUEUED", "PROVISIONING", "RUNNING", "STOPPED", "FAILED", "DESTROYING", "DESTROYED"] as const;
export const fleetJailFilter = z.object({
  hostId: id.optional().catch(undefined),
  planId: id.optional().catch(undefined),
  accountId: id.optional().catch(undefined),
  state: z.enum(JAIL_STATES).optional().catch(undefined),
});
export type FleetJailFilter = z.infer<typeof fleetJailFilter>;

export const accountNoteSchema = z.object({ accountId: id, body: text("Note", 2000) });
export const sendResetSchema = z.object({ accountId: id, userId: id });
export const staffJailPowerSchema = z.object({ jailId: id, verb: z.enum(["start", "stop"]) });
export const suspendFromAdminSchema = z.object({ accountId: id, reason: text("Reason", 500, 3) });
export const accountIdSchema = z.object({ accountId: id });
/** An admin's reset of a login's lost second factor: the reason is required and audited. */
export const resetSecondFactorReason = text("Reason", 500, 3);
export const resetCustomerSecondFactorSchema = z.object({ accountId: id, userId: id, reason: resetSecondFactorReason });

export const DRIFT_ACTIONS = ["recreate", "destroy", "converge", "accept"] as const;
export const repairDriftSchema = z.object({ driftId: id, action: z.enum(DRIFT_ACTIONS) });
export const adoptJailSchema = z.object({
  driftId: id,
  email: z.string().trim().toLowerCase().max(254).pipe(z.email("Enter the e-mail address of a customer login.")),
  plan: z.string().trim().max(60).min(1, "Choose a plan."),
  template: z.string().trim().max(60).min(1, "Choose a template."),
  hostname: fqdn,
});
