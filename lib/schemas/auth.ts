import { z } from "zod";
import { email, newPassword, optionalText, text } from "./common";

export const signUpSchema = z.object({
  name: text("Your name", 120),
  email,
  password: newPassword,
  accountName: text("Account name", 120),
  billingEmail: email.optional().or(z.literal("").transform(() => undefined)),
  addressLine1: text("Address", 200),
  addressLine2: optionalText("Address line 2", 200),
  city: text("City", 120),
  postalCode: text("Postal code", 20),
  country: z
    .string({ error: "Country is required." })
    .trim()
    .toUpperCase()
    .regex(/^[A-Z]{2}$/, "Use the two-letter country code, e.g. US or DE."),
});
export type SignUpInput = z.infer<typeof signUpSchema>;

// Deliberately loose: authenticate() normalises the address and answers every wrong or
// malformed pair with the same words, so the form never says which half was wrong.
export const loginSchema = z.object({
  email: z.string().max(1000).default(""),
  password: z.string().max(1000).default(""),
  callbackUrl: z.string().max(500).optional(),
});

export const requestPasswordResetSchema = z.object({ email });

export const resetPasswordSchema = z
  .object({
    token: z.string().min(1, "This reset link is incomplete.").max(200, "This reset link is invalid."),
    password: newPassword,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The passwords do not match." });

export const changePasswordSchema = z
  .object({
    currentPassword: z.string().min(1, "Enter your current password.").max(200),
    password: newPassword,
    confirm: z.string(),
  })
  .refine((v) => v.password === v.confirm, { path: ["confirm"], message: "The passwords do not match." });

// ─── two-factor sign-in ───

/** The second step of sign-in: a code from the app, or a recovery code. */
export const secondFactorSchema = z.object({
  code: z
    .string({ error: "Enter the code from your app, or a recovery code." })
    .trim()
    .min(1, "Enter the code from your app, or a recovery code.")
    .max(100, "That is not a code Cellblock gave you."),
  callbackUrl: z.string().max(500).optional(),
});

/** The code that confirms a new authenticator app. */
export const totpCodeSchema = z.object({
  code: z
    .string({ error: "Enter the 6-digit code your app shows." })
    .transform((s) => s.replace(/\s+/g, ""))
    .pipe(z.string().regex(/^\d{6}$/, "Enter the 6-digit code your app shows.")),
});

/**
 * Before removing two-factor sign-in or making new recovery codes: the password or a code. The
 * field's name contains "password" so a failed form never echoes it back (safe-action's echoValues).
 */
export const twoFactorProofSchema = z.object({
  passwordOrCode: z
    .string({ error: "Enter your password or a current code." })
    .min(1, "Enter your password or a current code.")
    .max(200, "That is neither your password nor a code."),
});

/** Forms with nothing to type (a button). */
export const noInputSchema = z.object({});
