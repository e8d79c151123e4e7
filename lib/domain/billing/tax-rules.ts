// Tax, the rules in words (the SQL that applies them is apply-invoice-tax.ts):
//   - The customer's country decides the rate (EU electronic services are taxed where the
//     customer is): billing staff configure one rate per country (TaxRate). No rate for the
//     country → no tax line (treatment NONE).
//   - An EU business customer — an account with a VAT number whose format fits its country —
//     in another member state than the seller gets the reverse charge: no VAT on the invoice,
//     the wording below, and both VAT numbers printed. A business in the seller's own country
//     pays the domestic rate like anyone else.
//   - Rounding: tax is computed ONCE PER INVOICE on the sum of its taxable lines (plan fees,
//     overage, credits and charges; never a credit carried from an earlier invoice, which is
//     money after tax), rounded half away from zero to a whole cent. Lines are rounded to the
//     cent on their own first (each line is what the customer can check), so the total is
//     exactly the sum of the lines, tax line included.
// Pure functions here, so pages, forms and the PDF use the same words.

/** EU member states (ISO 3166-1 alpha-2). Greece's VAT numbers start with EL, not GR. */
export const EU_COUNTRIES = [
  "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT", "LT",
  "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
] as const; // prettier-ignore

export function isEuCountry(country: string): boolean {
  return (EU_COUNTRIES as readonly string[]).includes(country);
}

/** The VAT number prefix of an EU country (EL for Greece). */
export function vatPrefix(country: string): string {
  return country === "GR" ? "EL" : country;
}

// Formats of the member states' VAT numbers after the prefix (the published VIES formats).
const VAT_FORMATS: Record<string, RegExp> = {
  AT: /^U\d{8}$/,
  BE: /^[01]\d{9}$/,
  BG: /^\d{9,10}$/,
  CY: /^\d{8}[A-Z]$/,
  CZ: /^\d{8,10}$/,
  DE: /^\d{9}$/,
  DK: /^\d{8}$/,
  EE: /^\d{9}$/,
  EL: /^\d{9}$/,
  ES: /^[A-Z0-9]\d{7}[A-Z0-9]$/,
  FI: /^\d{8}$/,
  FR: /^[A-HJ-NP-Z0-9]{2}\d{9}$/,
  HR: /^\d{11}$/,
  HU: /^\d{8}$/,
  IE: /^(\d{7}[A-W][A-IW]?|\d[A-Z+*]\d{5}[A-W])$/,
  IT: /^\d{11}$/,
  LT: /^(\d{9}|\d{12})$/,
  LU: /^\d{8}$/,
  LV: /^\d{11}$/,
  MT: /^\d{8}$/,
  NL: /^\d{9}B\d{2}$/,
  PL: /^\d{10}$/,
  PT: /^\d{9}$/,
  RO: /^[1-9]\d{1,9}$/,
  SE: /^\d{10}01$/,
  SI: /^\d{8}$/,
  SK: /^\d{10}$/,
};

/** "fr 40 303 265 045" → "FR40303265045": capitals, no spaces, dots or dashes. */
export function normaliseVatNumber(raw: string): string {
  return raw.toUpperCase().replace(/[\s.\-]/g, "");
}

/**
 * Whether `vatNumber` (normalised) has the format of a VAT number of `country`. Format only:
 * whether the number is registered is the tax office's register to say.
 */
export function checkVatNumber(vatNumber: string, country: string): { ok: true } | { ok: false; reason: string } {
  if (!isEuCountry(country)) return { ok: false, reason: "VAT numbers are for EU countries; leave this empty." };
  const prefix = vatPrefix(country);
  if (!vatNumber.startsWith(prefix)) return { ok: false, reason: `A VAT number of ${country} starts with ${prefix}.` };
  const format = VAT_FORMATS[prefix];
  if (!format?.test(vatNumber.slice(prefix.length)))
    return { ok: false, reason: `That is not the format of a ${country} VAT number (e.g. ${example(prefix)}).` };
  return { ok: true };
}

function example(prefix: string): string {
  const samples: Record<string, string> = { DE: "DE123456789", FR: "FR40303265045", AT: "ATU12345678", NL: "NL123456789B01" };
  return samples[prefix] ?? `${prefix} followed by its digits`;
}

/** What a reverse-charge invoice must say (Art. 226(11a) of Directive 2006/112/EC). */
export const REVERSE_CHARGE_WORDING =
  "Reverse charge: VAT to be accounted for by the recipient (Article 196 of Council Directive 2006/112/EC).";

/** "19 %", "7.7 %" from basis points. */
export function formatRate(rateBp: number): string {
  const whole = Math.floor(rateBp / 100);
  const rest = rateBp % 100;
  return `${whole}${rest ? `.${String(rest).padStart(2, "0").replace(/0$/, "")}` : ""} %`;
}
