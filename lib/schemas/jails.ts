// What the customer portal accepts. Only identifiers and what the customer chose: the account
// comes from the session, prices and limits from the plan. Unknown fields (an accountId, a
// price, a limit slipped into a form) are stripped by zod before any handler sees them.
import { z } from "zod";
import { id } from "./common";
import { fqdn } from "./net";
import { parseSshPublicKey } from "./ssh-public-key";

export const slug = (label: string) =>
  z
    .string({ error: `Choose a ${label}.` })
    .trim()
    .min(1, `Choose a ${label}.`)
    .max(60, `Choose a ${label}.`)
    .regex(/^[a-z0-9-]+$/, `Choose a ${label}.`);

export const jailId = id;

export const orderJailSchema = z.object({
  plan: slug("plan"),
  template: slug("template"),
  hostname: fqdn,
  // One per rendering of the order form: a resubmitted form finds the jail it already made.
  orderKey: z.string().regex(/^[A-Za-z0-9-]{16,64}$/, "This order form has expired. Reload the page."),
});
export type OrderJailInput = z.infer<typeof orderJailSchema>;

export const jailRefSchema = z.object({ jailId });

/** Reinstall and cancel destroy data: the customer types the hostname to confirm. */
export const confirmedJailSchema = z.object({
  jailId,
  confirmHostname: z
    .string()
    .trim()
    .toLowerCase()
    .max(253, "Type the jail's hostname to confirm.")
    .min(1, "Type the jail's hostname to confirm."),
});

export const changePlanSchema = z.object({ jailId, plan: slug("plan") });

/** A root password as customers type it: what /etc/shadow can hold, long enough to matter. */
export const rootPassword = z
  .string({ error: "Enter a password." })
  .min(12, "Use at least 12 characters.")
  .max(200, "Use at most 200 characters.")
  .refine((v) => !/[\0\n\r]/.test(v), "The password cannot contain line breaks.");

export const rootPasswordSchema = z
  .object({ jailId, password: rootPassword, confirm: z.string().max(200) })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The passwords do not match." });

/** Reinstall: the hostname typed to confirm, and optionally a root password for the new root (both fields empty = none). */
export const reinstallJailSchema = z
  .object({
    jailId,
    confirmHostname: confirmedJailSchema.shape.confirmHostname,
    rootPassword: z.union([z.literal("").transform(() => null), rootPassword]).default(null),
    rootPasswordConfirm: z.string().max(200).default(""),
  })
  .refine((v) => (v.rootPassword ?? "") === v.rootPasswordConfirm, {
    path: ["rootPasswordConfirm"],
    message: "The passwords do not match.",
  });

export const addSshKeySchema = z.object({
  jailId,
  label: z
    .string()
    .trim()
    .max(80, "A label is at most 80 characters.")
    .optional()
    .transform((v) => v || undefined),
  publicKey: z
    .string({ error: "Paste a public key." })
    .max(16_384, "A public key is at most 16 KB.")
    .transform((v, ctx) => {
      const parsed = parseSshPublicKey(v);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: parsed.error });
        return z.NEVER;
      }
      return parsed.key;
    }),
});

export const removeSshKeySchema = z.object({ jailId, keyId: id });
