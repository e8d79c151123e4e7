// What the API-token forms accept (the account settings page, and staff's own page): a name,
// the access it gives and how long it lives. Who owns it comes from the session.
import { z } from "zod";
import { id, text } from "./common";

/** Scopes a customer's token may carry: read alone, or read and write. */
export const CUSTOMER_SCOPES = ["read", "write"] as const;
/** Scopes a member of staff's token may carry; separate from the customer's (staff have no account). */
export const STAFF_SCOPES = ["staff:read", "staff:write"] as const;
export const API_SCOPES = [...CUSTOMER_SCOPES, ...STAFF_SCOPES] as const;
export type ApiScope = (typeof API_SCOPES)[number];

/** Lifetimes the form offers, in days (API_TOKEN_MAX_DAYS caps them). */
export const TOKEN_LIFETIMES_DAYS = [7, 30, 90, 365] as const;

export const createApiTokenSchema = z.object({
  name: text("Name", 80),
  /** "read": look only; "write": read and change (order, power, keys…). */
  access: z.enum(["read", "write"], { error: "Choose what the token may do." }),
  expiresInDays: z.coerce
    .number({ error: "Choose when the token expires." })
    .int()
    .refine((d) => (TOKEN_LIFETIMES_DAYS as readonly number[]).includes(d), "Choose when the token expires."),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;

export const revokeApiTokenSchema = z.object({ tokenId: id });
