// The one money parser: every form field that takes an amount goes through `moneyField`.
//
// The rule (a human types dollars; we store integer cents, never through a float):
//   - an optional sign ("-", "−" or "+") and an optional "$", around spaces;
//   - a DECIMAL separator is "." or "," followed by one or two digits at the very end
//     ("35,00" = "35.00" = 35.00, "12,5" = 12.50);
//   - every other separator GROUPS thousands: "," "." "'" or a space, with groups of exactly three
//     digits after a first group of one to three ("1,234.50", "1.234,50", "1 234,50",
//     "1.234.567" are all unambiguous);
//   - a single "," or "." followed by exactly three digits ("1,234", "1.234") could be either,
//     so it is refused with a message asking for the decimals; so is anything else (three or
//     more decimals, two decimal marks, letters).
// Bounds are per field (what its column and its meaning allow); the parser itself stops at
// 12 digits before the decimal mark so no input can overflow anything on its way to a bound.
import { z } from "zod";

export type MoneyParse = { ok: true; cents: number } | { ok: false; reason: string };

const MAX_WHOLE_DIGITS = 12;
const GROUP_SEPARATORS = /[,.' \u00a0\u202f]/;

/** Text → integer cents by the rule above, or the reason it was refused. */
export function parseMoney(input: string): MoneyParse {
  let s = input.trim();
  let negative = false;
  const sign = /^([-−+])\s*/.exec(s);
  if (sign) {
    negative = sign[1] !== "+";
    s = s.slice(sign[0].length);
  }
  s = s.replace(/^\$\s*/, "");
  if (!sign) {
    const after = /^([-−+])\s*/.exec(s); // "$-12.50"
    if (after) {
      negative = after[1] !== "+";
      s = s.slice(after[0].length);
    }
  }
  if (s === "") return { ok: false, reason: "Enter an amount." };
  if (!/^[0-9,.' \u00a0\u202f]+$/.test(s) || !/^\d/.test(s) || !/\d$/.test(s))
    return { ok: false, reason: "Use digits, with at most one decimal mark (12.50 or 12,50)." };

  let whole = s;
  let fraction = "";
  const decimal = /^(.*\d)([.,])(\d{1,3})$/.exec(s);
  if (decimal) {
    const [, head, mark, tail] = decimal as unknown as [string, string, string, string];
    const headSeparators: string[] = head.match(/[,.' \u00a0\u202f]/g) ?? [];
    if (tail.length === 3) {
      // "1,234" / "1.234": a thousands group or three decimals, so refused; "1,234,567" is a
      // run of groups (a decimal mark cannot repeat); "1.234,567" has three decimals.
      if (headSeparators.length === 0 || headSeparators.every((c) => c === mark)) {
        if (headSeparators.length === 0)
          return {
            ok: false,
            reason: `"${s}" is ambiguous: for thousands add the cents (1,234.00 or 1.234,00); otherwise use at most two decimals.`,
          };
        whole = s; // "1,234,567": every separator the same, so all of them group
      } else {
        return { ok: false, reason: "Use at most two decimals." };
      }
    } else {
      if (headSeparators.includes(mark))
        return { ok: false, reason: `"${mark}" cannot be both the decimal mark and the thousands separator.` };
      whole = head;
      fraction = tail;
    }
  }
  if (GROUP_SEPARATORS.test(whole)) {
    const groups = whole.split(GROUP_SEPARATORS);
    const seps = new Set(whole.match(/[,.' \u00a0\u202f]/g));
    if (seps.size > 1) return { ok: false, reason: "Use one thousands separator throughout." };
    if (!/^\d{1,3}$/.test(groups[0]!) || groups.slice(1).some((g) => !/^\d{3}$/.test(g)))
      return { ok: false, reason: "Thousands are grouped in threes (1,234.50 or 1.234,50)." };
    whole = groups.join("");
  }
  if (!/^\d+$/.test(whole)) return { ok: false, reason: "Use digits, with at most one decimal mark (12.50 or 12,50)." };
  whole = whole.replace(/^0+(?=\d)/, "");
  if (whole.length > MAX_WHOLE_DIGITS) return { ok: false, reason: "That amount is far too large." };
  const cents = Number(BigInt(whole) * 100n + BigInt(fraction.padEnd(2, "0") || "0"));
  return { ok: true, cents: negative && cents !== 0 ? -cents : cents };
}

/** Integer cents → "1,234.50" (the form the parser reads back unchanged). */
export function formatMoneyInput(cents: number): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100).toLocaleString("en-US")}.${String(abs % 100).padStart(2, "0")}`;
}

const dollars = (cents: number) => formatMoneyInput(cents).replace(/^(-?)/, "$1$");

/**
 * A form field holding an amount, parsed to integer cents and bounded: `min` and `max` in
 * cents, inclusive; `nonZero` refuses 0. The messages name the bounds in dollars.
 */
export function moneyField(label: string, bounds: { min: number; max: number; nonZero?: boolean }) {
  return z
    .string({ error: `${label} is required.` })
    .max(40, `${label} is far too long.`)
    .transform((v, ctx) => {
      const parsed = parseMoney(v);
      if (!parsed.ok) {
        ctx.addIssue({ code: "custom", message: v.trim() === "" ? `${label} is required.` : parsed.reason });
        return z.NEVER;
      }
      const c = parsed.cents;
      if (c < bounds.min || c > bounds.max) {
        ctx.addIssue({
          code: "custom",
          message:
            bounds.min === 0 && c < 0
              ? `${label} cannot be negative.`
              : `${label} must be between ${dollars(bounds.min)} and ${dollars(bounds.max)}.`,
        });
        return z.NEVER;
      }
      if (bounds.nonZero && c === 0) {
        ctx.addIssue({ code: "custom", message: `${label} cannot be zero.` });
        return z.NEVER;
      }
      return c;
    });
}
