// The overage rules (DESIGN, from the seed): a case opened over quota gets a grace period of
// calendar months; what is still over when grace ends is measured in tenths of a GiB, rounded
// up, and charged at the plan's price per GiB.
import { addDays, addMonthsClamped } from "@/lib/calendar";
import { billingConfig, type BillingConfig } from "@/lib/config/server";
import { BYTES_PER_GIB_BIG } from "@/lib/units";

/** When a case opened at `openedAt` leaves grace: the same day-of-month N months later (clamped), plus any extra days. */
export function graceEndFor(
  openedAt: Date,
  cfg: Pick<BillingConfig, "BILLING_GRACE_MONTHS" | "BILLING_GRACE_EXTRA_DAYS"> = billingConfig(),
): Date {
  return addDays(addMonthsClamped(openedAt, cfg.BILLING_GRACE_MONTHS), cfg.BILLING_GRACE_EXTRA_DAYS);
}

/** Bytes above a limit, in tenths of a GiB, rounded up: any excess at all bills at least 0.1 GiB. */
export function excessTenthsGb(measuredBytes: bigint, limitBytes: bigint): number {
  const over = measuredBytes - limitBytes;
  if (over <= 0n) return 0;
  return Number((over * 10n + BYTES_PER_GIB_BIG - 1n) / BYTES_PER_GIB_BIG);
}

/** Excess tenths × price per GiB, rounded half up to a cent. */
export function overageAmountCents(excessTenths: number, pricePerGbCents: number): number {
  return Math.floor((excessTenths * pricePerGbCents + 5) / 10);
}
