import { z } from "zod";
import { email, id, newPassword, text } from "./common";

export const STAFF_ROLES = ["ADMIN", "BILLING"] as const;
const role = z.enum(STAFF_ROLES, { error: "Choose admin or billing clerk." });

export const inviteStaffSchema = z.object({ email, name: text("Name", 120), role });
export type InviteStaffInput = z.infer<typeof inviteStaffSchema>;

export const changeStaffRoleSchema = z.object({ userId: id, role });
export const staffUserSchema = z.object({ userId: id });
/** An admin's reset of another member of staff's lost second factor (the reason is audited). */
export const resetStaffSecondFactorSchema = z.object({ userId: id, reason: text("Reason", 500, 3) });

export const acceptInvitationSchema = z
  .object({
    token: z.string().min(1, "This invitation link is incomplete.").max(200, "This invitation link is invalid."),
    password: newPassword,
    confirm: z.string().max(200),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The passwords do not match." });
