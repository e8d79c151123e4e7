// What a jail's hostname may be, beyond the letters-digits-hyphens of RFC 1123 (see net.ts fqdn).
// Internationalised names arrive as punycode ("xn--…" labels). The policy, decided here once:
//   1. a punycode label must decode (IDNA), and each decoded label uses one script (digits and
//      hyphens aside): "pаypal" with a Cyrillic "а" among Latin letters is refused;
//   2. a decoded label written entirely in letters that look like ASCII letters (Cyrillic "аррӏе"
//      reads "apple") is refused: a whole-script look-alike of an ASCII name;
//   3. names staff have reserved (ReservedName: a label such as "paypal", or a suffix such as
//      "cellblock.example") are refused by the order (lib/domain/hostnames/).
// Everything else in other scripts (bücher.example, 例え.jp) is allowed.
import { domainToUnicode } from "node:url";

const SCRIPTS = [
  "Latin",
  "Cyrillic",
  "Greek",
  "Armenian",
  "Hebrew",
  "Arabic",
  "Devanagari",
  "Bengali",
  "Thai",
  "Georgian",
  "Hangul",
  "Hiragana",
  "Katakana",
  "Han",
  "Ethiopic",
  "Tamil",
] as const;
const scriptRe = Object.fromEntries(SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, "u")])) as Record<
  (typeof SCRIPTS)[number],
  RegExp
>;
// Japanese mixes Han, Hiragana and Katakana by design: count them as one writing system.
const JAPANESE = new Set(["Han", "Hiragana", "Katakana"]);

// Letters of other scripts that render like ASCII letters (from Unicode's confusables data for
// the scripts that matter most here; enough to catch a whole-script look-alike).
const LOOKS_ASCII = new Set([..."аеорсухіјѕԁӏһԛԝвкмнтьзѵѡѻαβεικνορτυχωϲϳ"]);

function scriptsOf(label: string): Set<string> {
  const found = new Set<string>();
  for (const ch of label) {
    if (/[0-9-]/.test(ch)) continue;
    const script = SCRIPTS.find((s) => scriptRe[s].test(ch)) ?? "Other";
    found.add(JAPANESE.has(script) ? "Japanese" : script);
  }
  return found;
}

/** Why a (lower-case, ASCII, LDH) hostname is refused by the IDN policy, in words, or null. */
export function idnRefusal(hostname: string): string | null {
  for (const label of hostname.split(".")) {
    if (!label.startsWith("xn--")) continue;
    const decoded = domainToUnicode(label);
    // Empty: not valid punycode. All ASCII: a punycode spelling of a plain name (two names for one).
    if (!decoded || decoded === label || decoded.includes("xn--") || /^[\x00-\x7f]*$/.test(decoded))
      return `"${label}" is not a valid internationalised name.`;
    const scripts = scriptsOf(decoded);
    if (scripts.size > 1 || scripts.has("Other"))
      return `"${decoded}" mixes writing systems, which lets a name pass for another. Use one script per label.`;
    const letters = [...decoded].filter((c) => !/[0-9-]/.test(c));
    if (letters.length > 0 && letters.every((c) => LOOKS_ASCII.has(c)))
      return `"${decoded}" looks like an ASCII name written in other letters. Use the ASCII name itself.`;
  }
  return null;
}
