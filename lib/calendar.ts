// Calendar arithmetic in UTC: billing periods are calendar months, all times are UTC (DESIGN).
import { MS_PER_DAY } from "./units";

/** First instant of the calendar month (UTC) containing `d`. */
export function monthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

/** First instant of the month after the one containing `d`. */
export function nextMonthStart(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

/**
 * The same day-of-month `months` later, clamped to the last day of a shorter month
 * (31 January + 1 month = 28 or 29 February), time of day kept.
 */
export function addMonthsClamped(d: Date, months: number): Date {
  const out = new Date(d);
  const day = out.getUTCDate();
  out.setUTCDate(1);
  out.setUTCMonth(out.getUTCMonth() + months);
  const lastDay = new Date(Date.UTC(out.getUTCFullYear(), out.getUTCMonth() + 1, 0)).getUTCDate();
  out.setUTCDate(Math.min(day, lastDay));
  return out;
}

/** Midnight UTC at the start of `d`'s day. */
export function dayStart(d: Date): Date {
  return new Date(Math.floor(d.getTime() / MS_PER_DAY) * MS_PER_DAY);
}

/** `d` plus whole days. */
export function addDays(d: Date, days: number): Date {
  return new Date(d.getTime() + days * MS_PER_DAY);
}

/**
 * "2026-03" → the first instant of March 2026 UTC.
 * @throws Error when the text is not YYYY-MM with a month 01–12.
 */
export function parsePeriod(period: string): Date {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12) throw new Error(`bad period ${period}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, 1));
}

/** The month containing `periodStart` as "YYYY-MM". */
export function formatPeriod(periodStart: Date): string {
  return `${periodStart.getUTCFullYear()}-${String(periodStart.getUTCMonth() + 1).padStart(2, "0")}`;
}
