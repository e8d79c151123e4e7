// Billing knobs, read from the environment once and validated. Kept apart from lib/env.ts so
// that domain code, tests and the bench can use them without the web tier's secrets.
import { z } from "zod";

const schema = z.object({
  // Length of the grace period an overage case gets before it goes to review.
  BILLING_GRACE_MONTHS: z.coerce.number().int().min(0).max(12).default(1),
  // Extra grace in days (added to the months): lets an operator or a test shorten/lengthen it.
  BILLING_GRACE_EXTRA_DAYS: z.coerce.number().int().min(0).max(365).default(0),
  // A jail is "over" (or "back under") only when every hourly rollup of this trailing window
  // says so: one spiky sample neither opens nor closes a case.
  OVERAGE_CONFIRM_HOURS: z.coerce.number().int().min(1).max(72).default(3),
  // Days after issue an invoice falls due.
  INVOICE_DUE_DAYS: z.coerce.number().int().min(0).max(120).default(14),
  // An account with an invoice unpaid this many days past its due date is flagged for suspension.
  BILLING_SUSPEND_AFTER_DAYS_PAST_DUE: z.coerce.number().int().min(0).max(365).default(14),
  // Raw samples older than this are pruned (hourly and daily rollups stay).
  USAGE_SAMPLE_RETENTION_DAYS: z.coerce.number().int().min(2).max(400).default(7),
  // Hourly rollups older than this are pruned (daily rollups stay).
  USAGE_HOURLY_RETENTION_DAYS: z.coerce.number().int().min(2).max(3650).default(90),
  // Each rollup pass recomputes the buckets of this trailing window (late batches land in it).
  // Its cost grows with jails × window: keep it short; older backlogs are folded in with
  // rollupUsage(now, { from }).
  USAGE_ROLLUP_LOOKBACK_HOURS: z.coerce.number().int().min(1).max(48).default(6),
});

export type BillingConfig = z.infer<typeof schema>;
let cached: BillingConfig | undefined;

export function billingConfig(): BillingConfig {
  return (cached ??= schema.parse(process.env));
}

/** 1 GB = 1024 MB = 2^30 bytes, for disk and transfer alike. */
export const BYTES_PER_GB = 1024n * 1024n * 1024n;
export const BYTES_PER_MB = 1024n * 1024n;

/** When a case opened at `openedAt` leaves grace: the same day-of-month N months later (clamped). */
export function graceEndFor(openedAt: Date, cfg: BillingConfig = billingConfig()): Date {
  const d = new Date(openedAt);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + cfg.BILLING_GRACE_MONTHS);
  const lastDay = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, lastDay));
  return new Date(d.getTime() + cfg.BILLING_GRACE_EXTRA_DAYS * 86_400_000);
}

/** First instant of the calendar month (UTC) containing `d`. */
export function monthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

export function nextMonthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/** "2026-03" → the first instant of March 2026 UTC. */
export function parsePeriod(period: string): Date {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new Error(`bad period ${period}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}

export function formatPeriod(periodStart: Date): string {
  return `${periodStart.getUTCFullYear()}-${String(periodStart.getUTCMonth() + 1).padStart(2, "0")}`;
}

/** Bytes above a limit, in tenths of a GB, rounded up: any excess at all bills at least 0.1 GB. */
export function excessTenthsGb(measuredBytes: bigint, limitBytes: bigint): number {
  const over = measuredBytes - limitBytes;
  if (over <= 0n) return 0;
  return Number((over * 10n + BYTES_PER_GB - 1n) / BYTES_PER_GB);
}

/** Excess tenths × price per GB, rounded half up to a cent. */
export function overageAmountCents(excessTenths: number, pricePerGbCents: number): number {
  return Math.floor((excessTenths * pricePerGbCents + 5) / 10);
}
