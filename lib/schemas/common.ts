import { z } from "zod";

/** A trimmed, length-limited line of text. Every free-text field has a cap. */
export const text = (label: string, max: number, min = 1) =>
  z
    .string({ error: `${label} is required.` })
    .trim()
    .min(min, min === 1 ? `${label} is required.` : `${label} must be at least ${min} characters.`)
    .max(max, `${label} must be at most ${max} characters.`);

export const optionalText = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} must be at most ${max} characters.`)
    .optional()
    .transform((v) => (v ? v : undefined));

export const email = z
  .string({ error: "E-mail is required." })
  .trim()
  .max(254, "E-mail must be at most 254 characters.")
  .pipe(z.email("Enter a valid e-mail address."))
  .transform((v) => v.toLowerCase());

export const newPassword = z
  .string({ error: "Password is required." })
  .min(10, "Password must be at least 10 characters.")
  .max(200, "Password must be at most 200 characters.");

export const id = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9]+$/i, "Invalid id.");

export const page = z.coerce.number().int().min(1).max(100_000).catch(1);

/**
 * A keyset list's position: the `createdAt` (epoch milliseconds) and id of a row, as
 * `<ms>.<id>`. Anything else counts as absent (the list starts from the newest).
 */
export const listCursor = z
  .string()
  .regex(/^\d{1,15}\.[a-z0-9]{1,64}$/i)
  .optional()
  .catch(undefined);
