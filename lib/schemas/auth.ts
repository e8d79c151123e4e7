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

// ─── passkeys ───

const base64url = z
  .string()
  .max(8000)
  .regex(/^[A-Za-z0-9_-]*$/, "not base64url");

/**
 * What @simplewebauthn/browser's startRegistration / startAuthentication return, posted as one
 * JSON text field. Only the shape is checked here; the library verifies the contents.
 */
const webAuthnJson = <T extends z.ZodType>(shape: T) =>
  z
    .string({ error: "The passkey's answer is missing. Try again." })
    .max(32_000, "The passkey's answer is too long.")
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "The passkey's answer is not readable. Try again." });
        return z.NEVER;
      }
    })
    .pipe(shape);

const credentialBase = {
  id: base64url.min(1),
  rawId: base64url.min(1),
  type: z.literal("public-key"),
  clientExtensionResults: z.object({}).loose().default({}),
  authenticatorAttachment: z.enum(["platform", "cross-platform"]).optional(),
};

export const registrationResponseJson = webAuthnJson(
  z.object({
    ...credentialBase,
    response: z
      .object({
        clientDataJSON: base64url,
        attestationObject: base64url,
        transports: z.array(z.string().max(40)).max(10).optional(),
      })
      .loose(),
  }),
);

export const authenticationResponseJson = webAuthnJson(
  z.object({
    ...credentialBase,
    response: z
      .object({
        clientDataJSON: base64url,
        authenticatorData: base64url,
        signature: base64url,
        userHandle: base64url.optional(),
      })
      .loose(),
  }),
);

/** Naming and registering a passkey. */
export const passkeyRegistrationSchema = z.object({
  name: z.string({ error: "Name this passkey." }).trim().min(1, "Name this passkey.").max(60, "Use at most 60 characters."),
  response: registrationResponseJson,
});

/** Removing a passkey: which one, and the password or a code (as for turning TOTP off). */
export const removePasskeySchema = twoFactorProofSchema.extend({
  passkeyId: z
    .string()
    .trim()
    .min(1)
    .max(64)
    .regex(/^[a-z0-9]+$/i, "Invalid id."),
});

/** Sign-in's second step with a passkey. */
export const passkeySignInSchema = z.object({
  response: authenticationResponseJson,
  callbackUrl: z.string().max(500).optional(),
});

/** Forms with nothing to type (a button). */
export const noInputSchema = z.object({});
