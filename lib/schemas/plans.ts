// The plan form. Money is typed in dollars ("12.50") and becomes integer cents through the one
// money parser (lib/schemas/money.ts); every number has bounds (the limits the same as the job
// schema's, so a plan can always be applied to a jail).
import { z } from "zod";
import { id, text } from "./common";
import { moneyField } from "./money";

const whole = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `${label} must be a number.` })
    .int(`${label} must be a whole number.`)
    .min(min, `${label} must be at least ${min}.`)
    .max(max, `${label} must be at most ${max.toLocaleString("en-US")}.`);

export const planFields = {
  name: text("Name", 60),
  description: z.string().trim().max(500, "Description must be at most 500 characters.").default(""),
  price: moneyField("Price", { min: 0, max: 10_000_000 }),
  diskQuotaMb: whole("Disk quota", 1, 100_000_000),
  memoryLimitMb: whole("Process space", 1, 1_048_576),
  maxProcesses: whole("Processes", 1, 100_000),
  cpuPercent: whole("CPU share", 1, 6400),
  bandwidthGb: whole("Transfer allowance", 0, 1_000_000),
  overagePrice: moneyField("Overage price", { min: 0, max: 1_000_000 }),
  sortOrder: whole("Sort order", 0, 10_000).default(0),
};

export const createPlanSchema = z.object({
  slug: z
    .string({ error: "Slug is required." })
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]{1,39}$/, "Use 2 to 40 lower-case letters, digits and hyphens, e.g. cell-plus."),
  ...planFields,
});
export type CreatePlanInput = z.infer<typeof createPlanSchema>;

export const updatePlanSchema = z.object({
  planId: id,
  ...planFields,
  /** The number of jails the admin was shown and confirmed, when the limits change. */
  confirmJails: z
    .union([z.literal("").transform(() => null), whole("Confirmation", 0, 10_000_000)])
    .optional()
    .transform((v) => v ?? null),
});
export type UpdatePlanInput = z.infer<typeof updatePlanSchema>;

export const planIdSchema = z.object({ planId: id });
